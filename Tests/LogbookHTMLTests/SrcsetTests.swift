import Testing

@testable import LogbookHTML

/// `srcset` candidates split as the WHATWG "parse a srcset attribute"
/// algorithm does; cases from the spec's examples and the web-platform-tests
/// `parse-a-srcset-attribute` table. Candidates a browser would drop for
/// bad descriptors still yield their URL.
@Suite struct SrcsetTests {
    @Test(
        arguments: [
            ("", []),
            (",", []),
            (",,,", []),
            ("  data:,a  1x  ", ["data:,a"]),
            (",data:,a 1x", ["data:,a"]),
            ("data:,a,,,", ["data:,a"]),
            ("data:,a ,,,", ["data:,a"]),
            ("data:,a, , ", ["data:,a"]),
            ("\tdata:,a\n1x\u{0C}", ["data:,a"]),
            (
                "/uploads/150-marie-lloyd.jpg 1.5x, /uploads/200-marie-lloyd.jpg 2x",
                ["/uploads/150-marie-lloyd.jpg", "/uploads/200-marie-lloyd.jpg"]
            ),
            ("images/200px.jpeg 200w,images/400px.jpeg 400w", ["images/200px.jpeg", "images/400px.jpeg"]),
            ("a.png,b.png", ["a.png,b.png"]),
            ("a.png,b.png 2x", ["a.png,b.png"]),
            (
                "data:image/gif;base64,R0lGODlhAQABAAAAACw= 1x, b.png 2x",
                ["data:image/gif;base64,R0lGODlhAQABAAAAACw=", "b.png"]
            ),
            ("data:,a (, data:,b 1x, ), data:,c", ["data:,a", "data:,c"]),
            ("data:,a ((( data:,b 1x, ), data:,c", ["data:,a", "data:,c"]),
            ("data:,a [, data:,b 1x, ], data:,c", ["data:,a", "data:,b", "]", "data:,c"]),
            ("data:,a (, data:,b 1x, data:,c", ["data:,a"]),
            ("data:,a (x", ["data:,a"]),
            ("data:,a foo, data:,b 1x 2x, data:,c 100w 100x", ["data:,a", "data:,b", "data:,c"]),
            ("data:,a 1x,data:,b 2x", ["data:,a", "data:,b"]),
            ("café.png 1x, ü.png 2x", ["café.png", "ü.png"]),
        ] as [(String, [String])])
    func candidatesSplitAsTheSpecSays(srcset: String, urls: [String]) {
        #expect(LinkExtractor.candidates(inSrcset: srcset) == urls)
    }

    @Test func everySrcsetURLBecomesALink() {
        let page = LinkExtractor.extract(Array("<img srcset=\"data:,a 1x,b.png (bad, c.png 2x\">".utf8))
        #expect(page.links.map(\.value) == ["data:,a", "b.png"])
    }
}
