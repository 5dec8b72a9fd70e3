import Foundation
import LogbookTestSupport
import Testing

/// A start URL that is refused is named in the message without the
/// password it may hold, and the message says what libcurl found wrong.
@Suite struct StartURLRedactionTests {
    let folder = TemporaryDirectory()

    @Test(arguments: [
        ("http://u:SECRET4@[::1", "IPv6"),
        ("http://u:SECRET4@127.0.0.1:99999/", "Port number"),
        ("http://u:SEC RET4@127.0.0.1/", "Bad password"),
        ("ftp://u:SECRET4@example.com/", "is not an http or https URL"),
        ("u:SECRET4@example.com", "is not an http or https URL"),
    ])
    func aRefusedStartURLIsShownWithoutItsPassword(url: String, cause: String) throws {
        let result = try logbook("crawl", "--db", folder.database, url)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("SECRET4") && !result.stderr.contains("RET4"), "\(result.stderr)")
        #expect(result.stderr.contains(cause), "\(result.stderr)")
    }

    @Test func anHTTPURLWithABadPortSaysSoNotThatItIsNotHTTP() throws {
        let result = try logbook("crawl", "--db", folder.database, "http://127.0.0.1:99999/")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("http://127.0.0.1:99999/ is not a valid URL: Port number"), "\(result.stderr)")
    }
}
