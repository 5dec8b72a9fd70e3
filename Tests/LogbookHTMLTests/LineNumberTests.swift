import LogbookHTML
import Testing

/// A link's line is what a dead-link report points at, so it must be the
/// line an editor shows, whatever ends the lines and whatever came before.
/// A page whose lines end in CR alone (old Mac files) is all on line 1 for
/// libxml2 2.9, which counts LFs: the extractor turns such CRs into LFs.
@Suite struct LineNumberTests {
    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndingCounts(separator: String) {
        let page = extract(
            ["<a href=1.html>", "<p>text", "", "<img src=4.png><a href=4.html>", "<link href=5.css>"]
                .joined(separator: separator))
        #expect(page.described == ["1 a[href] 1.html", "4 img[src] 4.png", "4 a[href] 4.html", "5 link[href] 5.css"])
    }

    /// In a legacy encoding too (its bytes pass through; a NUL is left to
    /// libxml2, since windows-1252 has no U+FFFD to put in its place).
    @Test func crAloneIsALineBreakInWindows1252() {
        let page = LinkExtractor.extract(
            Array("<a href=caf".utf8) + [0xE9] + Array(".html>\r\r<a href=3.html>".utf8),
            contentType: "text/html; charset=windows-1252")
        #expect(page.described == ["1 a[href] café.html", "3 a[href] 3.html"])
    }

    /// Line breaks inside other constructs count too: a link after each of
    /// them is on the line its newlines put it.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func linesInsideOtherMarkupCount(separator: String) {
        let constructs = [
            "<!DOCTYPE html\n>", "<!-- a\n\ncomment -->", "<script>\nvar a = '\n';\n</script>",
            "<style>\np {}\n</style>",
            "<pre>\n\npre\n</pre>", "<textarea>\n\n</textarea>", "<p title=\"two\nlines\">text\nmore</p>",
            "<title>\nT\n</title>", "<?pi\n?>", "&amp;\n&#10;\n", "<![CDATA[\n]]>", "</p\n>",
        ]
        var html = ""
        var expected: [String] = []
        for (index, construct) in constructs.enumerated() {
            html += construct
            expected.append("\(html.count(where: { $0 == "\n" }) + 1) a[href] \(index).html")
            html += "<a href=\(index).html>\n"
        }
        let page = extract(html.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: separator))
        #expect(page.described == expected)
    }

    /// libxml2 reports a start tag at its `>`; a link is on the line of its
    /// attribute, which in formatted HTML is often a line or more above.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func aTagOverSeveralLinesIsOnTheLineOfItsAttribute(separator: String) {
        let page = extract(
            [
                "<a", "href=\"2.html\"", "class=x", ">text</a><img", "src=\"5.png\">",
                "<A TITLE='a value with", " href=no.html'", "  HREF = 8.html", "/>",
                "<img src=10.png", "srcset=\"11a.png 1x,", "11b.png 2x\"", "><meta http-equiv=refresh",
                "content='0; 14.html'>",
            ].joined(separator: separator))
        #expect(
            page.described == [
                "2 a[href] 2.html", "5 img[src] 5.png", "8 a[href] 8.html", "10 img[src] 10.png",
                "11 img[srcset] 11a.png", "11 img[srcset] 11b.png", "14 meta[content] 14.html",
            ])
    }

    @Test func longLinesAndManyLines() {
        let longLine = String(repeating: "word ", count: 200_000)
        let wide = extract("<p>\(longLine)<a href=end.html>\n\(longLine)\n<a href=3.html>")
        #expect(wide.described == ["1 a[href] end.html", "3 a[href] 3.html"])
        // More lines than a 16-bit count holds (libxml2 keeps node lines in 16 bits).
        let tall = extract(String(repeating: "<br>\n", count: 70_000) + "<a href=last.html>")
        #expect(tall.described == ["70001 a[href] last.html"])
    }
}
