import Testing

@testable import LogbookHTML

/// "café" as a link in UTF-8 and in windows-1252 bytes.
private let utf8Link = Array("<a href=\"/café.html\">café</a>".utf8)
private let latin1Link = Array("<a href=\"/caf".utf8) + [0xE9] + Array(".html\">caf".utf8) + [0xE9] + Array("</a>".utf8)

/// The WHATWG encoding sniffing order: byte order mark, Content-Type,
/// `<meta>` in the first 1024 bytes, then UTF-8 if valid, else windows-1252.
@Suite struct HTMLEncodingTests {
    @Test(
        arguments: [
            ([0xEF, 0xBB, 0xBF] + utf8Link, "text/html; charset=iso-8859-1", "UTF-8", 3),
            ([0xFE, 0xFF, 0x00, 0x3C], nil, "UTF-16BE", 2),
            (latin1Link, "text/html;charset=ISO-8859-1", "windows-1252", 0),
            (utf8Link, "text/html; charset=nonsense", "UTF-8", 0),
            (Array("<meta charset='nonsense'><meta charset=utf-8>".utf8) + latin1Link, nil, "UTF-8", 0),
            (Array("<meta http-equiv=refresh content='0; charset=utf-8'>".utf8) + latin1Link, nil, "windows-1252", 0),
            (
                Array("<meta content='text/html; charset=utf-16' http-equiv=content-type>".utf8) + latin1Link, nil,
                "UTF-8", 0
            ),
            (Array("<title x='<meta charset=utf-8>'></title>".utf8) + latin1Link, nil, "windows-1252", 0),
            (
                Array(repeating: UInt8(ascii: " "), count: 1024) + Array("<meta charset=utf-8>".utf8) + latin1Link, nil,
                "windows-1252", 0
            ),
            (Array("<meta charset=\"ISO-8859-2\">".utf8), "text/html", "iso-8859-2", 0),
            ([0xC3], nil, "windows-1252", 0),
            ([], nil, "UTF-8", 0),
        ] as [([UInt8], String?, String, Int)])
    func sniffingOrder(bytes: [UInt8], contentType: String?, name: String, bomLength: Int) {
        let encoding = HTMLEncoding(sniffing: bytes, contentType: contentType)
        #expect(encoding.name == name)
        #expect(encoding.bomLength == bomLength)
    }

    /// "Get an encoding": labels trimmed and in any case, the WHATWG names
    /// for the common ones, libxml2's own for the rest.
    @Test(arguments: [
        (" \tUTF8\n", "UTF-8" as String?),
        ("Latin1", "windows-1252"),
        ("US-ASCII", "windows-1252"),
        ("iso-8859-1", "windows-1252"),
        ("utf-16", "UTF-16LE"),
        ("unicodeFFFE", "UTF-16BE"),
        ("koi8-r", "koi8-r"),
        ("Shift_JIS", "shift_jis"),
        ("x-user-defined", nil),
        (" ", nil),
        ("no-such-charset", nil),
    ])
    func labels(label: String, name: String?) {
        #expect(HTMLEncoding.encoding(label: label) == name)
    }

    /// "Extract a character encoding from a meta element", also for the
    /// Content-Type header.
    @Test(arguments: [
        ("text/html; charset=utf-8", "utf-8" as String?),
        ("text/html;CHARSET = 'koi8-r' ; x", "koi8-r"),
        ("text/html; charset=\"a b\"", "a b"),
        ("text/html; charset=foo;bar", "foo"),
        ("text/html; charset=foo bar", "foo"),
        ("charsetcharset=x", "x"),
        ("charset;charset=y", "y"),
        ("text/html; charset", nil),
        ("text/html; charset=", nil),
        ("text/html; charset=\"unclosed", nil),
        ("text/html", nil),
    ])
    func charsetInContent(content: String, label: String?) {
        #expect(HTMLEncoding.charset(inContent: ArraySlice(content.utf8)) == label)
    }

    /// The prescan finds the first `<meta>` that declares an encoding, as
    /// the standard's algorithm reads bytes, not as a parser builds a tree.
    @Test(arguments: [
        ("<meta charset=koi8-r>", "koi8-r" as String?),
        ("<META/CHARSET='KOI8-R'/>", "koi8-r"),
        ("<meta charset=koi8-r charset=utf-8>", "koi8-r"),
        ("<meta http-equiv=Content-Type content=\"text/html; charset=koi8-r\">", "koi8-r"),
        ("<meta content=\"text/html; charset=koi8-r\">", nil),
        ("<meta http-equiv=content-type content='charset=koi8-r' content='charset=utf-8'>", "koi8-r"),
        ("<meta charset=utf-16be>", "UTF-8"),
        ("<metacharset=koi8-r>", nil),
        ("<!-- unclosed <meta charset=koi8-r>", nil),
        ("<?pi <meta charset=utf-8> ?><meta charset=koi8-r>", "koi8-r"),
        ("</p charset=utf-8><meta charset=koi8-r>", "koi8-r"),
        ("<p title=\"<meta charset=utf-8>\" data-x='>'><meta charset=koi8-r>", "koi8-r"),
        ("<meta charset=\"koi8-r", nil),
        ("<meta charset=koi8-r", nil),
    ])
    func prescan(html: String, name: String?) {
        #expect(HTMLEncoding.prescan(ArraySlice(html.utf8)) == name)
    }

    /// Links, their lines and anchors come out as text in the encoding the
    /// sniffing chose, libxml2 being told it and not to pick its own.
    @Test(
        arguments: [
            // Shift_JIS "日本" declared by <meta>.
            (
                Array("<meta charset=shift_jis>\n<a href=\"/".utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array(".html\">".utf8),
                nil,
                ["2 a[href] /日本.html"], [] as Set<String>
            ),
            // KOI8-R "Привет" declared by the header, in a link and an id.
            (
                Array("<a href=\"".utf8) + [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4] + Array("\" id=\"".utf8) + [
                    0xF0, 0xD2, 0xC9,
                ]
                    + Array("\">".utf8), "text/html; charset=KOI8-R", ["1 a[href] Привет"], ["При"]
            ),
            // ISO-8859-1 is windows-1252: 0x80 is the euro sign, not a C1 control.
            (
                Array("<a href=\"".utf8) + [0x80] + Array("\">".utf8), "text/html; charset=iso-8859-1", ["1 a[href] €"],
                []
            ),
            // A <meta> past the first 1024 bytes is not read, by the prescan or by libxml2.
            (
                Array(repeating: UInt8(ascii: "\n"), count: 1024) + Array("<meta charset=iso-8859-2>".utf8) + utf8Link,
                nil,
                ["1025 a[href] /café.html"], []
            ),
            (
                Array("<meta http-equiv=content-type content='text/html; charset=utf-16le'>".utf8) + utf8Link, nil,
                ["1 a[href] /café.html"], []
            ),
            ([0xEF, 0xBB, 0xBF] + utf8Link, nil, ["1 a[href] /café.html"], []),
            (
                [0xFF, 0xFE] + utf16("<p id=é>\n<a href=\"/café.html\">", bigEndian: false), nil,
                ["2 a[href] /café.html"], ["é"]
            ),
            (
                [0xFE, 0xFF] + utf16("<p id=é>\r\n<a href=\"/café.html\">", bigEndian: true), nil,
                ["2 a[href] /café.html"], ["é"]
            ),
            (latin1Link, nil, ["1 a[href] /café.html"], []),
        ] as [([UInt8], String?, [String], Set<String>)])
    func extractedTextIsDecoded(bytes: [UInt8], contentType: String?, links: [String], anchors: Set<String>) {
        let page = LinkExtractor.extract(bytes, contentType: contentType)
        #expect(page.described == links)
        #expect(page.anchors == anchors)
    }
}

/// UTF-16 code units of `text` as bytes, without a byte order mark.
private func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
    text.utf16.flatMap { unit in
        bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
    }
}
