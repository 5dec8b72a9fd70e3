import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `--format junit` and `--format sarif`, read back as CI reads them
/// (junitparser, the SARIF 2.1.0 schema), and `--output FILE`.
extension FindingFormatTests {
    @Test func junitAndSARIFCarryExactlyTheDeadLinks() throws {
        let server = try site()
        let junit = folder.file("links.xml")
        let crawled = try logbook(
            "crawl", "--db", path, "--quiet", "--format", "junit", "--output", junit, server.url("/"))
        #expect(crawled.status == 1, "dead links: \(crawled.stderr)")
        #expect(crawled.stdout.isEmpty, "the report went to the file: \(crawled.stdout)")
        #expect(crawled.stderr.hasPrefix("run 1: crawl completed in "), "what happened: \(crawled.stderr)")
        #expect(crawled.stderr.hasSuffix(" not checked\nwrote \(junit)\n"), "\(crawled.stderr)")
        let expected = try deadLinks()

        // A testcase per link (and one for the start URL), a suite per page,
        // a failure per row of dead_links at its page and line.
        let cases = try readJUnit(junit)
        let links = try logbook("query", "--db", path, "--format", "csv", "SELECT count(*) AS n FROM links")
        #expect(cases.count == Int(links.stdout.split(separator: "\r\n")[1])! + 1)
        let failed = cases.filter { $0.result == "failed" }
        #expect(failed.allSatisfy { $0.type == "dead-link" && $0.suite == $0.file && $0.classname == $0.file })
        #expect(
            Set(failed.map { [$0.file ?? "", $0.line ?? "", $0.name, String($0.message?.dropFirst(5) ?? "")] })
                == expected)
        #expect(cases.contains { $0.name == server.url("/a,b.html") && $0.result == "passed" })
        #expect(cases.contains { $0.suite == "(the start URL)" && $0.name == server.url("/") })

        // SARIF from the recorded run: a result per dead link at its page and line.
        let sarif = folder.file("links.sarif")
        let again = try logbook("links", "--db", path, "--format", "sarif", "--output", sarif)
        #expect(again.status == 1 && again.stdout.isEmpty)
        #expect(again.stderr.hasPrefix("run 1: crawl completed in ") && again.stderr.hasSuffix("wrote \(sarif)\n"))
        let results = try readSARIF(sarif)
        #expect(results.allSatisfy { $0.ruleId == "dead-link" })
        #expect(
            Set(
                results.map { result in
                    let (url, why) = result.message.splitOnce(": ")
                    return [result.uri, result.startLine.map(String.init) ?? "", url, String(why.dropFirst(5))]
                }) == expected)
    }

    /// Markup characters, a control character XML cannot hold, a broken
    /// fragment and a link not checked, in both formats.
    @Test func junitAndSARIFEscapeAndClassifyEveryLink() throws {
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/":
                TestResponse(
                    body: Array(
                        "<p id=top>\n<a href='/q?a=1&amp;b=&lt;\"x\"&gt;'>q</a>\n<a href='/c\u{1}<d>'>c</a>\n"
                            .utf8)
                        + Array("<a href='/#nowhere'>n</a>\n<a href='mailto:a@b'>m</a>\n<a href='/#top'>t</a>\n".utf8))
            default: TestResponse(status: 404)
            }
        }
        let crawled = try logbook(
            "crawl", "--db", path, "--quiet", "--check-fragments", "--format", "junit", server.url("/"))
        #expect(crawled.status == 1)
        let junit = folder.file("links.xml")
        try crawled.stdout.write(toFile: junit, atomically: true, encoding: .utf8)
        let cases = try readJUnit(junit)
        let byName = Dictionary(cases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let query = try #require(cases.first { $0.name.hasPrefix(server.url("/q?a=1&b=")) }, "\(cases)").name
        #expect(byName[query]?.result == "failed")
        #expect(byName[server.url("/#nowhere")]?.type == "broken-fragment")
        #expect(byName[server.url("/#top")]?.result == "passed")
        #expect(byName["mailto:a@b"]?.result == "skipped")
        #expect(byName.keys.contains { $0.contains("\u{FFFD}") }, "the control character as U+FFFD: \(byName.keys)")

        let sarif = folder.file("links.sarif")
        #expect(try logbook("links", "--db", path, "--format", "sarif", "--output", sarif).status == 1)
        let results = try readSARIF(sarif)
        #expect(results.filter { $0.ruleId == "broken-fragment" }.map(\.startLine) == [4])
        #expect(results.contains { $0.message.hasPrefix(query + ": HTTP 404") && $0.startLine == 2 })
    }

    /// SARIF's `artifactLocation.uri` is an RFC 3986 URI reference (the
    /// schema's format, which jsonschema does not check): what a URI may not
    /// hold raw is percent-encoded there, and only there; github's `file=`
    /// too for a URL, not for a file's path, which GitHub reads as a path.
    @Test func sarifLocationsAreURIReferences() throws {
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/": .html("<a href='/r\"<x>{}|^`é.html'>r</a>")
            case _ where path.contains("dead"): .html("gone", status: 404)
            default: .html("<a href='/dead\"{1}.html'>d</a>")
            }
        }
        let crawled = try logbook("crawl", "--db", path, "--quiet", "--format", "json", server.url("/"))
        #expect(crawled.status == 1, "\(crawled.stderr)")
        let dead = try #require(
            (try JSONSerialization.jsonObject(with: Data(crawled.stdout.utf8)) as? [String: Any])?["dead"]
                as? [[String: Any]])
        let page = try #require(dead.first?["found_on"] as? String, "\(crawled.stdout)")
        let url = try #require(dead.first?["url"] as? String)
        let uriCharacters = /([A-Za-z0-9\-._~:\/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*/
        #expect(try uriCharacters.wholeMatch(in: page) == nil, "the page's URL holds what a URI may not: \(page)")

        let sarif = folder.file("links.sarif")
        #expect(try logbook("links", "--db", path, "--format", "sarif", "--output", sarif).status == 1)
        let result = try #require(try readSARIF(sarif).first)
        #expect(try uriCharacters.wholeMatch(in: result.uri) != nil, "\(result.uri)")
        #expect(result.uri.removingPercentEncoding == page.removingPercentEncoding)
        #expect(result.message.hasPrefix(url + ": "), "the message keeps the URL as recorded")
        let github = try logbook("links", "--db", path, "--format", "github")
        let escaped = result.uri.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: ":", with: "%3A")
        #expect(github.stdout.hasPrefix("::error file=\(escaped),line=1,"), "as the runner reads it: \(github.stdout)")

        // A build folder's file: its path as one relative reference.
        try FileManager.default.createDirectory(atPath: folder.file("www"), withIntermediateDirectories: true)
        try "<a href='my%20page%3F.html'>p</a>".write(
            toFile: folder.file("www/index.html"), atomically: true, encoding: .utf8)
        try "<a href='gone.html'>g</a>".write(
            toFile: folder.file("www/my page?.html"), atomically: true, encoding: .utf8)
        let files = try logbook(
            "crawl", "www", "--base-url", "https://example.org/", "--db", path, "--quiet", "--format", "sarif",
            "--output", sarif, in: folder.path)
        #expect(files.status == 1, "\(files.stderr)")
        #expect(try readSARIF(sarif).map(\.uri) == ["www/my%20page%3F.html"])
        let annotations = try logbook("links", "--db", path, "--format", "github", in: folder.path)
        #expect(annotations.stdout.hasPrefix("::error file=www/my page?.html,line=1,"), "\(annotations.stdout)")
    }

    /// An --output that cannot be written is a runtime failure naming the
    /// flag and the folder, and one that names the database a usage error:
    /// both said before the crawl, which then makes no request.
    @Test func anOutputThatCannotBeWrittenIsNamed() throws {
        let server = try site()
        let missing = folder.file("missing/links.sarif")
        let crawled = try logbook(
            "crawl", "--db", path, "--quiet", "--format", "sarif", "--output", missing, server.url("/"))
        #expect(crawled.status == 3)
        #expect(crawled.stderr.contains("--output: cannot write \(missing)"), "\(crawled.stderr)")
        let overDatabase = try logbook("crawl", "--db", path, "--quiet", "--output", path, server.url("/"))
        #expect(overDatabase.status == 2, "\(overDatabase.stderr)")
        #expect(server.requestCount("/") == 0, "refused before the crawl")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try logbook("crawl", "--db", path, "--quiet", server.url("/")).status == 1)
        let empty = try logbook("links", "--db", path, "--output", "")
        #expect(empty.status == 2 && empty.stderr.contains("--output needs a path"))
        let database = try logbook("links", "--db", path, "--output", path)
        #expect(
            database.status == 2 && database.stderr.contains("--output \(path) is \(path), the database being read"))
    }
}

extension String {
    /// The text before and after the last `separator`.
    fileprivate func splitOnce(_ separator: String) -> (String, String) {
        guard let range = range(of: separator, options: .backwards) else { return (self, "") }
        return (String(self[..<range.lowerBound]), String(self[range.upperBound...]))
    }
}
