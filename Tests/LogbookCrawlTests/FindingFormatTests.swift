import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `crawl --format` and `logbook links`: every format carries exactly the
/// rows of `dead_links`, read back by a reader of that format, and `links`
/// prints a recorded crawl again as `crawl` printed it.
@Suite struct FindingFormatTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// A site whose dead links have a pipe, a comma, a percent sign and a
    /// colon in their URLs, one in a tag written over three lines.
    func site() throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            switch path {
            case "/":
                TestResponse(
                    body: Array("<a href='/a,b.html'>a</a>\n<a\n  href='/p|q%25.html'\n  class=x\n>p</a>\n".utf8))
            case "/a,b.html": TestResponse(body: Array("<p>\n<a href='/gone:1'>g</a>".utf8))
            default: TestResponse(status: 404)
            }
        }
    }

    /// `dead_links` as (page, line, url, status), the rows every format must carry.
    func deadLinks() throws -> Set<[String]> {
        let rows = try logbook(
            "query", "--db", path, "--format", "json",
            "SELECT found_on AS page, CAST(line AS TEXT) AS line, url, CAST(status AS TEXT) AS status FROM dead_links WHERE run_id = 1"
        )
        struct Row: Decodable { let page: String, line: String, url: String, status: String }
        return Set(
            try JSONDecoder().decode([Row].self, from: Data(rows.stdout.utf8)).map {
                [$0.page, $0.line, $0.url, $0.status]
            })
    }

    @Test func everyFormatCarriesExactlyTheDeadLinks() throws {
        let server = try site()
        let crawled = try logbook("crawl", "--db", path, "--quiet", "--format", "github", server.url("/"))
        #expect(crawled.status == 1, "\(crawled.stderr)")
        let expected = try deadLinks()
        #expect(expected.count == 2, "\(expected)")
        #expect(
            expected.contains { $0[0] == server.url("/") && $0[1] == "3" },
            "the link's line, not its tag's end: \(expected)")

        // GitHub annotations, unescaped as the runner reads them.
        func unescaped(_ text: Substring) -> String {
            text.replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
                .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
                .replacingOccurrences(of: "%25", with: "%")
        }
        let annotations = crawled.stdout.split(separator: "\n").map { line -> [String] in
            #expect(line.hasPrefix("::error "))
            let (head, message) = (
                line.dropFirst(8).prefix { $0 != ":" }, line.dropFirst(8).drop { $0 != ":" }.dropFirst(2)
            )
            var properties: [String: String] = [:]
            for property in head.split(separator: ",") {
                let pair = property.split(separator: "=", maxSplits: 1)
                properties[String(pair[0])] = unescaped(pair[1])
            }
            let words = unescaped(message).split(separator: " ")
            return [
                properties["file"] ?? "", properties["line"] ?? "", String(words[0]), String(words.last!.dropFirst(0)),
            ]
        }
        #expect(Set(annotations.map { [$0[0], $0[1], $0[2], "404"] }) == expected)

        // CSV, through Python's csv module.
        let csv = try logbook("links", "--db", path, "--format", "csv")
        #expect(csv.status == 1)
        let parsed = try runProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import csv, io, json, sys
                rows = list(csv.DictReader(io.StringIO(sys.argv[1], newline="")))
                print(json.dumps([[r["found_on"], r["line"], r["url"], r["status"]] for r in rows]))
                """, csv.stdout,
            ])
        let csvRows = try JSONDecoder().decode([[String]].self, from: Data(parsed.stdout.utf8))
        #expect(Set(csvRows) == expected)

        // JSON.
        let json = try logbook("links", "--db", path, "--format", "json")
        struct Report: Decodable {
            struct Dead: Decodable {
                let url: String, status: Int?, foundOn: String?, line: Int?
                enum CodingKeys: String, CodingKey { case url, status, foundOn = "found_on", line }
            }
            let dead: [Dead]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        #expect(
            Set(
                report.dead.map {
                    [$0.foundOn ?? "", $0.line.map(String.init) ?? "", $0.url, $0.status.map(String.init) ?? ""]
                }) == expected)

        // Markdown: a table with a row per dead link, pipes escaped so each row has four cells.
        let markdown = try logbook("links", "--db", path, "--format", "markdown")
        let rows = markdown.stdout.split(separator: "\n").filter { $0.hasPrefix("| ") }.dropFirst()
        let cells = rows.map { row in
            row.replacingOccurrences(of: "\\|", with: "\u{0}").split(separator: "|").map {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
                    .replacingOccurrences(of: "\u{0}", with: "|")
            }
        }
        #expect(Set(cells.map { [$0[0], $0[1], $0[2], String($0[3].dropFirst(5))] }) == expected)
    }

    /// `links` prints what `crawl` printed, for the latest crawl or the one named.
    @Test func linksPrintsACrawlAgain() throws {
        let server = try site()
        let crawled = try logbook("crawl", "--db", path, "--quiet", server.url("/"))
        let again = try logbook("links", "--db", path)
        let named = try logbook("links", "--db", path, "1")
        #expect(again.status == 1 && named.status == 1)
        func findings(_ text: String) -> [Substring] { text.split(separator: "\n").dropLast() }
        #expect(
            findings(again.stdout) == findings(crawled.stdout) && findings(named.stdout) == findings(crawled.stdout))
        #expect(try logbook("links", "--db", path, "2").stderr.contains("there is no run 2"))
        let simulated = try logbook("simulate", "--db", path, "--particles", "3", "--steps", "1", "--quiet")
        #expect(simulated.status == 0)
        let notACrawl = try logbook("links", "--db", path, "2")
        #expect(notACrawl.status == 2 && notACrawl.stderr.contains("run 2 is a simulation, not a crawl"))
    }
}
