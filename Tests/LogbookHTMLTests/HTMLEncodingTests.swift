@testable import LogbookHTML
import Testing

/// "café" as a link in UTF-8 and in windows-1252 bytes.
private let utf8Link = Array("<a href=\"/café.html\">café</a>".utf8)
private let latin1Link = Array("<a href=\"/caf".utf8) + [0xE9] + Array(".html\">caf".utf8) + [0xE9] + Array("</a>".utf8)

/// The WHATWG encoding sniffing order: byte order mark, Content-Type,
/// `<meta>` in the first 1024 bytes, then UTF-8 if valid, else windows-1252.
@Suite struct HTMLEncodingTests {
    @Test(arguments: [
        ([0xEF, 0xBB, 0xBF] + utf8Link, "text/html; charset=iso-8859-1", "UTF-8", 3),
        ([0xFE, 0xFF, 0x00, 0x3C], nil, "UTF-16BE", 2),
        (latin1Link, "text/html;charset=ISO-8859-1", "windows-1252", 0),
        (utf8Link, "text/html; charset=nonsense", "UTF-8", 0),
        (Array("<meta charset='nonsense'><meta charset=utf-8>".utf8) + latin1Link, nil, "UTF-8", 0),
        (Array("<meta http-equiv=refresh content='0; charset=utf-8'>".utf8) + latin1Link, nil, "windows-1252", 0),
        (Array("<meta content='text/html; charset=utf-16' http-equiv=content-type>".utf8) + latin1Link, nil, "UTF-8", 0),
        (Array("<title x='<meta charset=utf-8>'></title>".utf8) + latin1Link, nil, "windows-1252", 0),
        (Array(repeating: UInt8(ascii: " "), count: 1024) + Array("<meta charset=utf-8>".utf8) + latin1Link, nil, "windows-1252", 0),
        (Array("<meta charset=\"ISO-8859-2\">".utf8), "text/html", "iso-8859-2", 0),
        ([0xC3], nil, "windows-1252", 0),
        ([], nil, "UTF-8", 0),
    ] as [([UInt8], String?, String, Int)])
    func sniffingOrder(bytes: [UInt8], contentType: String?, name: String, bomLength: Int) {
        let encoding = HTMLEncoding(sniffing: bytes, contentType: contentType)
        #expect(encoding.name == name)
        #expect(encoding.bomLength == bomLength)
    }
}
