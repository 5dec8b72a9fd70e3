import LogbookHTML
import Testing

/// Pages on the web are often broken; their links are still links, and no
/// bytes may crash the crawl (the link-extractor fuzz target checks only
/// that; these check what comes out).
@Suite struct MalformedHTMLTests {
    @Test func unclosedAndMisnestedTagsKeepTheirLinks() {
        let page = extract(
            """
            <div><a href=1.html><span><a href=2.html><b><i></b></i><table><tr><td><a href=3.html></table>
            <ul><li><a href=4.html id=four><li><p><a href=5.html></ul></div></div></span></p></html>
            """)
        #expect(
            page.described == [
                "1 a[href] 1.html", "1 a[href] 2.html", "1 a[href] 3.html",
                "2 a[href] 4.html", "2 a[href] 5.html",
            ])
        #expect(page.anchors == ["four"])
    }

    /// A `<` that starts no tag is text, as in a browser.
    @Test func strayLessThanSignsAreText() {
        let page = extract(
            "a < b, 1<2 <3 <= < a href=spaced.html> <<a href=after.html> </ a href=end.html> <a href=real.html>")
        #expect(page.links.map(\.value) == ["after.html", "real.html"])
    }

    /// libxml2 2.9 halts a tree deeper than 256 elements; the extractor
    /// builds none (start tags only), so unclosed tags cannot hide links.
    @Test func deepNestingKeepsLinks() {
        let page = extract(String(repeating: "<div><span>", count: 10_000) + "<a href=deep.html>")
        #expect(page.links.map(\.value) == ["deep.html"])
    }

    /// A NUL byte is an error a browser recovers from: U+FFFD in a value.
    /// libxml2 2.9 ends the page at one instead (the value cut there, every
    /// later link lost), so the extractor replaces it in UTF-8 pages first.
    @Test func nulBytesDoNotEndThePage() {
        let page = LinkExtractor.extract(
            Array("<a href=before.html>".utf8) + [0] + Array("<a href=\"a".utf8) + [0]
                + Array("b.html\"><a href=after.html>".utf8))
        #expect(page.links.first?.value == "before.html")
        #expect(page.links.map(\.value) == ["before.html", "a\u{FFFD}b.html", "after.html"])
    }

    /// Every prefix of a page (a body cut short by a dropped connection)
    /// gives the links the prefix holds whole, then at most one cut short.
    @Test func truncatedPagesGiveTheLinksTheyHold() {
        let html = Array(
            """
            <html><head><base href="/docs/"><link rel="icon" href="favicon.ico">
            <meta http-equiv="Refresh" content="5; URL='next.html'"><script src="app.js"></script></head>
            <body id="top"><a href="a.html">a</a><img src="i.png" srcset="i1.png 1x, i2.png 2x">
            <object data="o.pdf"></object><a name="anchor"></a>
            """.utf8)
        let full = LinkExtractor.extract(html)
        #expect(full.links.count == 8)
        for end in 0...html.count {
            let cut = LinkExtractor.extract(Array(html[..<end]))
            guard let last = cut.links.last else { continue }
            #expect(Array(cut.links.dropLast()) == Array(full.links.prefix(cut.links.count - 1)), "cut at \(end)")
            let whole = full.links[cut.links.count - 1]
            #expect(
                [last.element, last.attribute] == [whole.element, whole.attribute] && last.line == whole.line
                    && whole.value.hasPrefix(last.value), "cut at \(end): \(last) for \(whole)")
            #expect(cut.base.map { full.base?.hasPrefix($0) == true } ?? true, "cut at \(end)")
        }
    }

    /// A value is kept whole however long: a 4 MiB `data:` URL, a
    /// srcset of 10,000 candidates.
    @Test func hugeAttributeValuesAreKeptWhole() {
        let data = "data:text/plain;base64," + String(repeating: "QUJD", count: 1 << 20)
        let candidates = (0..<10_000).map { "c\($0).png \($0 + 1)w" }
        let page = extract(
            "<a href=\"\(data)\"><img srcset=\"\(candidates.joined(separator: ", "))\"><a href=after.html>")
        #expect(page.links.count == 10_002)
        #expect(page.links.first?.value == data)
        #expect(page.links.dropFirst().prefix(3).map(\.value) == ["c0.png", "c1.png", "c2.png"])
        #expect(page.links.suffix(2).map(\.value) == ["c9999.png", "after.html"])
    }
}
