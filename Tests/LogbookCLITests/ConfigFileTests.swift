import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `logbook.toml` in the current folder, or `--config FILE`: the real
/// binary started in a temporary folder.
@Suite struct ConfigFileTests {
    let folder = TemporaryDirectory()

    /// / → /a → /deep, / → /b and / → /forbidden (403).
    func site() throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            switch path {
            case "/": .html("<a href=\"/a\">a</a> <a href=\"/b\">b</a> <a href=\"/forbidden\">f</a>")
            case "/a": .html("<a href=\"/deep\">deep</a>")
            case "/forbidden": .html("no", status: 403)
            default: .html("<p>page</p>")
            }
        }
    }

    func write(_ text: String, to name: String = "logbook.toml") throws {
        try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8)
    }

    @Test func theFileSetsFlagsAndTheCommandLineReplacesThem() throws {
        let server = try site()
        try write(
            """
            # the CI job's settings
            max-depth = 1
            exclude = ["/b$"]
            accept = "200..299,403"
            format = "json"
            retries = 0
            """)
        let first = try logbook("crawl", server.url("/"), "--db", "runs.sqlite", in: folder.path)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect((report?["dead"] as? [Any])?.isEmpty == true, "403 is accepted: \(first.stdout)")
        let bounded = try CrawlRecord(run: 1, in: folder.file("runs.sqlite"))
        #expect(bounded.outcomes[server.url("/deep")] == "excluded")
        #expect(bounded.outcomes[server.url("/b")] == "excluded")
        #expect(bounded.outcomes[server.url("/forbidden")] == "ok 403")

        let second = try logbook(
            "crawl", server.url("/"), "--db", "runs.sqlite", "--max-depth", "5", "--exclude", "/nothing$",
            "--format=text", "--accept", "200", in: folder.path)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stdout.contains("run 2: crawl completed"), "\(second.stdout)")
        let widened = try CrawlRecord(run: 2, in: folder.file("runs.sqlite"))
        #expect(widened.outcomes[server.url("/deep")] == "ok 200")
        #expect(widened.outcomes[server.url("/b")] == "ok 200", "the command line's --exclude replaces the file's")
        #expect(widened.outcomes[server.url("/forbidden")] == "dead 403")

        // `links` takes the keys it has (format) and leaves crawl's to crawl.
        let links = try logbook("links", "--db", "runs.sqlite", in: folder.path)
        #expect(links.status == 1, "\(links.stderr)")
        let reprinted = try JSONSerialization.jsonObject(with: Data(links.stdout.utf8)) as? [String: Any]
        #expect(reprinted?["run"] as? Int == 2)
    }

    @Test func configNamesAnotherFileAndAMissingOneIsAnError() throws {
        let server = try site()
        try write("format = \"json\"\n")
        try write("format = \"csv\"\nno-external = true\n", to: "ci.toml")
        let result = try logbook(
            "crawl", server.url("/"), "--db", "runs.sqlite", "--config", folder.file("ci.toml"), in: folder.path)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("kind,url,status,error,found_on,line\r\n"), "\(result.stdout)")

        let missing = try logbook("crawl", server.url("/"), "--config", "nothere.toml", in: folder.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nothere.toml: no such file"), "\(missing.stderr)")
    }

    @Test(arguments: [
        ("max-dept = 1\n", "logbook.toml:1: max-dept: unknown key"),
        ("retries = 0\nno-external = \"yes\"\n", "logbook.toml:2: no-external: expects true or false"),
        ("max-depth = [1, 2]\n", "logbook.toml:1: max-depth: expects one value"),
        ("retries = 0\n\n  max-depth = -1\n", "logbook.toml:3: max-depth: The value '-1' is invalid for '--max-depth"),
        ("accept = \"abc\"\n", "logbook.toml:1: accept: The value 'abc' is invalid for '--accept"),
        ("[crawl]\nworkers = 2\n", "logbook.toml:1: crawl: unknown key"),
        ("retries = 0\nmax-depth = \n", "logbook.toml:2:13: "),
        ("retries = 0\r\n\r\nmax-depth = -1\r\n", "logbook.toml:3: max-depth: The value '-1' is invalid"),
        ("header = \"X-A: b\\r\\nX-Injected: 1\"\n", "logbook.toml:1: header: The value 'X-A: b\r\nX-Injected: 1'"),
        ("retries = 0\nuser-agent = \"a\\u0000b\"\n", "logbook.toml:2: a string holding NUL (\\u0000)"),
        ("header = [\"X-A: \\U00000000\"]\n", "logbook.toml:1: a string holding NUL"),
    ])
    func aBadFileIsBadUsageNamingTheFileLineAndKey(file: String, message: String) throws {
        try write(file)
        let result = try logbook("crawl", "http://127.0.0.1:9/", "--db", "runs.sqlite", in: folder.path)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("logbook: \(message)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("runs.sqlite")))
        #expect(try logbook("crawl", "--help", in: folder.path).status == 0, "help does not read the file")
    }

    /// A header is one line, "Name: value"; so is a user agent. (A NUL
    /// cannot be an argument: the file's case is above.)
    @Test(arguments: [
        ("--header", "X-A: b\r\nX-Injected: 1", "a line break (CR or LF)"),
        ("--header", "X-A: b\nX-Injected: 1", "a line break (CR or LF)"),
        ("--header", "no name", "a header is 'Name: value'"), ("--header", ": value", "a header is 'Name: value'"),
        ("--header", "X A: b", "a header is 'Name: value'"), ("--user-agent", "agent\r", "a line break (CR or LF)"),
    ])
    func aHeaderOrUserAgentOfMoreThanOneLineIsBadUsage(flag: String, value: String, why: String) throws {
        let result = try logbook(
            "crawl", "http://127.0.0.1:9/", "--db", "runs.sqlite", "--config", "/dev/null", flag, value,
            in: folder.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("is invalid for '\(flag) <"), "\(result.stderr)")
        #expect(result.stderr.contains(why), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("runs.sqlite")))
    }
}
