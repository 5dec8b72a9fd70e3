import CrawlSchema
import LogbookTestSupport
import Testing

@testable import LogbookCrawl

/// "café" as a link in UTF-8 and in windows-1252 bytes.
private let utf8Link = Array("<a href=\"/café.html\">café</a>".utf8)
private let latin1Link = Array("<a href=\"/caf".utf8) + [0xE9] + Array(".html\">caf".utf8) + [0xE9] + Array("</a>".utf8)

/// The WHATWG encoding sniffing order, on pages served for real: each links
/// to /café.html, which exists, so any wrong decoding is a dead link.
@Suite struct EncodingSniffingTests {
    let folder = TemporaryDirectory()

    static let pages: [String: (contentType: String, body: [UInt8])] = [
        "/utf8-undeclared": ("text/html", utf8Link),
        "/utf8-header": ("text/html; charset=UTF-8", utf8Link),
        "/utf8-quoted-header": ("text/html; charset=\"utf-8\"", utf8Link),
        "/utf8-bom-beats-header": ("text/html; charset=iso-8859-1", [0xEF, 0xBB, 0xBF] + utf8Link),
        "/utf16le-bom": (
            "text/html",
            [0xFF, 0xFE] + Array("<a href=\"/café.html\">x</a>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        ),
        "/utf8-meta": ("text/html", Array("<!doctype html><meta charset=\"utf-8\">".utf8) + utf8Link),
        "/utf8-meta-http-equiv": (
            "text/html",
            Array("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">".utf8) + utf8Link
        ),
        "/latin1-header": ("text/html; charset=iso-8859-1", latin1Link),
        "/latin1-header-beats-meta": (
            "text/html; charset=windows-1252", Array("<meta charset=\"utf-8\">".utf8) + latin1Link
        ),
        "/latin1-meta": ("text/html", Array("<META CHARSET=latin1>".utf8) + latin1Link),
        "/latin1-meta-after-comment": (
            "text/html", Array("<!-- <meta charset=\"utf-8\"> --><meta charset=\"windows-1252\">".utf8) + latin1Link
        ),
        "/latin1-undeclared-invalid-utf8": ("text/html", latin1Link),
    ]

    @Test func nonASCIILinksAreDecodedAsABrowserWouldDecodeThem() throws {
        let server = try TestHTTPServer { _, path in
            if path == "/" {
                return .html(Self.pages.keys.sorted().map { "<a href=\"\($0)\">\($0)</a>" }.joined())
            }
            if path == "/caf%C3%A9.html" { return .html("<p>café</p>") }
            guard let page = Self.pages[path] else { return .html("not here", status: 404) }
            return TestResponse(headers: ["Content-Type": page.contentType], body: page.body)
        }
        let (path, summary) = try crawl(server.url("/"), in: folder)
        let record = try CrawlRecord(run: summary.runID, in: path)
        let dead = try findings(.deadLink, of: summary, in: path)
        #expect(dead.isEmpty, "\(dead.map { "\($0.foundOn ?? "") → \($0.url)" })")
        #expect(record.urls("ok") == Set((["/", "/caf%C3%A9.html"] + Self.pages.keys).map(server.url)))
        let linksToCafe = record.links.filter { $0.contains("→ \(server.url("/caf%C3%A9.html")) ") }
        #expect(linksToCafe.count == Self.pages.count, "every page links to /café.html: \(record.links)")
    }
}
