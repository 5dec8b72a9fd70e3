import LogbookHTML
import Testing

@Suite struct LinkExtractorTests {
    @Test func findsEveryKindOfLinkWithItsLine() {
        let page = LinkExtractor.extract(Array("""
            <html><head><base href="/docs/"><link rel="icon" href="favicon.ico">
            <meta http-equiv="Refresh" content="5; URL='next.html'"><script src="app.js"></script></head>
            <body id="top"><a href="a.html">a</a><area href="map.html"><img src="i.png" srcset="i1.png 1x, i2.png 2x">
            <picture><source srcset="s.webp 100w,s2.webp 200w"></picture><iframe src="f.html"></iframe><frame src="fr.html">
            <video src="v.mp4"><track src="t.vtt"></video><audio src="a.mp3"></audio><embed src="e.swf">
            <object data="o.pdf"></object><a name="anchor"></a><h2 id="second">x</h2>
            """.utf8))
        #expect(page.base == "/docs/")
        #expect(page.anchors == ["top", "anchor", "second"])
        #expect(page.links.map { "\($0.line) \($0.element)[\($0.attribute)] \($0.value)" } == [
            "1 link[href] favicon.ico", "2 meta[content] next.html", "2 script[src] app.js",
            "3 a[href] a.html", "3 area[href] map.html", "3 img[src] i.png", "3 img[srcset] i1.png", "3 img[srcset] i2.png",
            "4 source[srcset] s.webp", "4 source[srcset] s2.webp", "4 iframe[src] f.html", "4 frame[src] fr.html",
            "5 video[src] v.mp4", "5 track[src] t.vtt", "5 audio[src] a.mp3", "5 embed[src] e.swf",
            "6 object[data] o.pdf",
        ])
    }

    @Test func survivesBrokenMarkupAndDecodesDeclaredEncodings() {
        let broken = LinkExtractor.extract(Array("<p><a href=x.html>x<table><a href='y.html'<<<</b></i>&nope;".utf8))
        #expect(broken.links.map(\.value) == ["x.html", "y.html"])
        // ISO-8859-1 bytes come out as UTF-8 text: é is 0xE9 in, "é" out.
        let latin1 = LinkExtractor.extract(Array("<a href=\"caf".utf8) + [0xE9] + Array(".html\">".utf8),
                                           contentType: "text/html; charset=iso-8859-1")
        #expect(latin1.links.map(\.value) == ["café.html"])
        #expect(LinkExtractor.extract([]).links.isEmpty)
        #expect(LinkExtractor.extract([0xFF, 0xFE, 0x00, 0x3C]).links.isEmpty)
    }
}
