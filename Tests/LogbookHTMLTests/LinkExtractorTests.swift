import Testing

@testable import LogbookHTML

extension ExtractedPage {
    /// Each link as "line element[attribute] value", so one comparison shows all of it.
    var described: [String] { links.map { "\($0.line) \($0.element)[\($0.attribute)] \($0.value)" } }
}

/// Extracts from UTF-8 text.
func extract(_ html: String, contentType: String? = nil) -> ExtractedPage {
    LinkExtractor.extract(Array(html.utf8), contentType: contentType)
}

@Suite struct LinkExtractorTests {
    @Test func findsEveryKindOfLinkWithItsLine() {
        let page = extract(
            """
            <html><head><base href="/docs/"><link rel="icon" href="favicon.ico">
            <meta http-equiv="Refresh" content="5; URL='next.html'"><script src="app.js"></script></head>
            <body id="top"><a href="a.html">a</a><area href="map.html"><img src="i.png" srcset="i1.png 1x, i2.png 2x">
            <picture><source srcset="s.webp 100w,s2.webp 200w"></picture><iframe src="f.html"></iframe><frame src="fr.html">
            <video src="v.mp4"><track src="t.vtt"></video><audio src="a.mp3"></audio><embed src="e.swf">
            <object data="o.pdf"></object><a name="anchor"></a><h2 id="second">x</h2>
            """)
        #expect(page.base == "/docs/")
        #expect(page.anchors == ["top", "anchor", "second"])
        #expect(
            page.described == [
                "1 link[href] favicon.ico", "2 meta[content] next.html", "2 script[src] app.js",
                "3 a[href] a.html", "3 area[href] map.html", "3 img[src] i.png", "3 img[srcset] i1.png",
                "3 img[srcset] i2.png",
                "4 source[srcset] s.webp", "4 source[srcset] s2.webp", "4 iframe[src] f.html", "4 frame[src] fr.html",
                "5 video[src] v.mp4", "5 track[src] t.vtt", "5 audio[src] a.mp3", "5 embed[src] e.swf",
                "6 object[data] o.pdf",
            ])
    }

    @Test func survivesBrokenMarkupAndDecodesDeclaredEncodings() {
        let broken = extract("<p><a href=x.html>x<table><a href='y.html'<<<</b></i>&nope;")
        #expect(broken.links.map(\.value) == ["x.html", "y.html"])
        // ISO-8859-1 bytes come out as UTF-8 text: é is 0xE9 in, "é" out.
        let latin1 = LinkExtractor.extract(
            Array("<a href=\"caf".utf8) + [0xE9] + Array(".html\">".utf8),
            contentType: "text/html; charset=iso-8859-1")
        #expect(latin1.links.map(\.value) == ["café.html"])
        #expect(LinkExtractor.extract([]).links.isEmpty)
        #expect(LinkExtractor.extract([0xFF, 0xFE, 0x00, 0x3C]).links.isEmpty)
    }

    /// Only the attributes in `linkAttributes` are links: a link checker that
    /// reported `<form action>` or `<video poster>` would be another tool.
    @Test func otherElementsAndAttributesAreNotLinks() {
        let page = extract(
            """
            <form action="f.html"><input type="image" src="in.png"><button formaction="b.html"></button></form>
            <video poster="p.png" src="v.mp4"></video><blockquote cite="c.html"></blockquote><div href="d.html"></div>
            <img href="ih.png" data-src="lazy.png"><link src="ls.css"><object src="os.swf" data="od.swf"></object>
            <base src="bs/"><a src="as.html" xlink:href="x.html"></a>
            """)
        #expect(page.described == ["2 video[src] v.mp4", "3 object[data] od.swf"])
        #expect(page.base == nil)
    }

    /// libxml2 gives names in lower case, and the extractor asks for each
    /// element's attributes in its own order, the first of each name.
    @Test func attributesInTheExtractorsOrderFirstOfEachName() {
        let page = extract(
            """
            <IMG SRCSET="b.png 2x" Src="a.png"><A HREF="1.html" href="2.html"></A>
            <a href></a><a href=""></a><a href=" spaced.html "></a>
            <SOURCE srcset="t.webp" SRC="s.mp4">
            """)
        #expect(
            page.described == [
                "1 img[src] a.png", "1 img[srcset] b.png", "1 a[href] 1.html",
                "2 a[href] ", "2 a[href] ", "2 a[href]  spaced.html ",
                "3 source[src] s.mp4", "3 source[srcset] t.webp",
            ])
    }

    /// A value is the text a browser would see: entities decoded, as written otherwise.
    @Test func attributeValuesHaveTheirEntitiesDecoded() {
        let page = extract(#"<a href="q?a=1&amp;b=2&#233;&#xE9;&eacute;&nope;"></a><h1 id="x&lt;y">"#)
        #expect(page.links.map(\.value) == ["q?a=1&b=2ééé&nope;"])
        #expect(page.anchors == ["x<y"])
    }

    /// Comments and the text of script and style elements hold no start
    /// tags, also after an end tag other than `</script>` in a script.
    @Test func markupInCommentsScriptsAndStylesIsNotFollowed() {
        let page = extract(
            """
            <!-- <a href="comment.html" id="c"> --><script>document.write('</div><a href="script.html">')</script>
            <style>/* <a href="style.html"> */</style><a href="after.html"></a>
            """)
        #expect(page.described == ["2 a[href] after.html"])
        #expect(page.anchors.isEmpty)
    }

    /// The first `<base>` with an href counts, wherever it is; one with only
    /// a target does not hide a later one.
    @Test(arguments: [
        (#"<a href="x"></a>"#, nil as String?),
        (#"<base target="_top"><base href="/first/"><base href="/second/">"#, "/first/"),
        (#"<a href="x"></a><p><base href="/late/">"#, "/late/"),
        (#"<BASE HREF="">"#, ""),
    ])
    func base(html: String, base: String?) {
        #expect(extract(html).base == base)
    }

    /// Every `id`, on any element, and `name` on `a` only: `<input name>`
    /// and `<map name>` are not fragment targets.
    @Test func anchorsAreIdsAndANames() {
        let page = extract(
            """
            <html id="root"><body><p id="para">text<a name="old-style" id="new-style"></a>
            <input name="field"><map name="map"></map><img name="image" id="img-id"><span id="with space"></span>
            <a name=""></a><div id="dup"></div><div id="dup"></div>
            """)
        #expect(page.anchors == ["root", "para", "old-style", "new-style", "img-id", "with space", "", "dup"])
    }

    /// `<meta http-equiv=refresh>` is a link to the URL its content names,
    /// and only that `<meta>`.
    @Test func metaRefreshIsALink() {
        let page = extract(
            """
            <meta http-equiv="REFRESH" content="0;url=r.html"><meta http-equiv="refresh" content="5">
            <meta name="refresh" content="0; url=name.html"><meta content="0; url=bare.html">
            <meta http-equiv="content-type" content="0; url=type.html"><meta http-equiv="refresh">
            """)
        #expect(page.described == ["1 meta[content] r.html"])
    }

    @Test(arguments: [
        ("5; url=next.html", "next.html" as String?),
        ("0;URL=next.html", "next.html"),
        ("0, url=next.html", "next.html"),
        ("0;  Url = next.html", "next.html"),
        ("0; url='quoted.html'trailing", "quoted.html"),
        ("0; url=\"double.html\"", "double.html"),
        ("0; url='unclosed.html", "unclosed.html"),
        ("0; url=spaces kept ", "spaces kept "),
        ("5", nil),
        ("0; url=", nil),
        ("0; url=''", nil),
        // Without `url=` the rest is the URL, as browsers read it.
        ("0; next.html", "next.html"),
        ("3,'quoted.html'", "quoted.html"),
        ("1.5 next.html", "next.html"),
        ("0; url.html", ".html"),
        ("0; ur", nil),
        ("url=next.html", nil),  // no time: not a refresh
        ("; next.html", nil),
    ])
    func refreshURL(content: String, url: String?) {
        #expect(LinkExtractor.refreshURL(content) == url)
    }
}
