import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `diff --format csv|markdown|github|junit|sarif` of two crawls, each read
/// back and compared with the regressions `--format json` lists.
extension CrawlDiffTests {
    @Test func everyFindingsFormatCarriesTheRegressions() throws {
        let site = try TwoVersionSite()
        try crawlBothVersions(site, into: path, options: ["--check-fragments"])
        let diff = try #require(
            try json(try logbook("diff", "--db", path, "--format", "json", "1", "2"))["diff"] as? [String: Any])
        // (page, link) of each newly dead link on each page of B, and of each newly broken fragment.
        var expected: Set<[String]> = []
        for link in try #require(diff["newlyDead"] as? [[String: Any]]) {
            for page in try #require(link["foundOn"] as? [String]) { expected.insert([page, link["url"] as! String]) }
        }
        for broken in try #require(diff["newlyBrokenFragments"] as? [[String: String]]) {
            expected.insert([broken["foundOn"]!, broken["url"]! + "#" + broken["fragment"]!])
        }
        #expect(expected == [[site.url("/b"), site.url("/missing")], [site.url("/a"), site.url("/#nowhere")]])

        func diffed(_ format: String, output: String? = nil) throws -> ProcessResult {
            let result = try runProcess(
                builtProduct("logbook"),
                ["diff", "--db", path, "--format", format, "1", "2"] + (output.map { ["--output", $0] } ?? []))
            #expect(result.status == 1, "B regressed: \(format) \(result.stderr)")
            return result
        }

        let csv = try diffed("csv")
        let parsed = try runProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import csv, io, json, sys
                rows = list(csv.DictReader(io.StringIO(sys.argv[1], newline="")))
                print(json.dumps([[r["found_on"], r["url"]] for r in rows]))
                """, csv.stdout,
            ])
        #expect(Set(try JSONDecoder().decode([[String]].self, from: Data(parsed.stdout.utf8))) == expected)

        let github = try diffed("github").stdout.split(separator: "\n").map { line in
            let file = line.drop { $0 != "=" }.dropFirst().prefix { $0 != "," }.replacingOccurrences(
                of: "%3A", with: ":")
            return [file, String(line.split(separator: "::")[1].split(separator: " ")[0])]
        }
        #expect(Set(github) == expected)

        let markdown = try diffed("markdown").stdout
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| `") }.map {
            $0.split(separator: "|").map {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
            }
        }
        #expect(Set(rows.map { [$0[0], $0[2]] }) == expected)
        #expect(markdown.contains("Fixed:\n\n- `\(site.url("/fixme"))`: dead 404 → ok 200"))

        let junit = folder.file("diff.xml")
        #expect(try diffed("junit", output: junit).stdout.isEmpty)
        let cases = try readJUnit(junit)
        #expect(Set(cases.filter { $0.result == "failed" }.map { [$0.file ?? "", $0.name] }) == expected)
        #expect(cases.filter { $0.result == "passed" }.map(\.name) == [site.url("/fixme")])
        #expect(cases.filter { $0.result == "passed" }.map(\.classname) == ["fixed since run 1"])

        let sarif = folder.file("diff.sarif")
        _ = try diffed("sarif", output: sarif)
        let results = try readSARIF(sarif)
        #expect(
            Set(results.map { [$0.uri, $0.message.components(separatedBy: ": ")[0]] }) == expected, "\(results)")
        #expect(results.allSatisfy { $0.startLine == nil }, "a diff compares URLs: no line")

        // No regression: an empty log, exit 0.
        let same = try logbook("diff", "--db", path, "--format", "sarif", "--output", sarif, "2", "2")
        #expect(same.status == 0)
        #expect(try readSARIF(sarif).isEmpty)
    }

    /// A simulation diff is text or json; the findings formats are a usage error naming the format.
    @Test func aSimulationDiffIsTextOrJSON() throws {
        for _ in 0..<2 {
            #expect(try logbook("simulate", "--db", path, "--particles", "3", "--steps", "2", "--quiet").status == 0)
        }
        let sarif = try logbook("diff", "--db", path, "--format", "sarif", "1", "2")
        #expect(sarif.status == 2)
        #expect(sarif.stderr == "logbook: diff --format sarif is for crawls; a simulation diff is text or json\n")
        // A repository's logbook.toml says format = "sarif" for its crawls: the error names it.
        try "retries = 1\nformat = \"sarif\"\n".write(
            toFile: folder.file("logbook.toml"), atomically: true, encoding: .utf8)
        let fromFile = try logbook("diff", "--db", path, "1", "2", in: folder.path)
        #expect(fromFile.status == 2)
        #expect(
            fromFile.stderr.hasPrefix("logbook: logbook.toml:2: format: diff --format sarif is for crawls"),
            "\(fromFile.stderr)")
        try FileManager.default.removeItem(atPath: folder.file("logbook.toml"))
        // A simulation and a crawl cannot be compared, whatever the format.
        let server = try TestHTTPServer { _, _ in .html("<p>page</p>") }
        #expect(try logbook("crawl", "--db", path, "--quiet", server.url("/")).status == 0)
        for (a, b) in [("1", "3"), ("3", "1")] {
            let mixed = try logbook("diff", "--db", path, "--format", "markdown", a, b)
            #expect(mixed.status == 2)
            #expect(mixed.stderr.contains("only two crawls or two simulations compare"), "\(mixed.stderr)")
        }
        let file = folder.file("diff.json")
        let json = try logbook("diff", "--db", path, "--format", "json", "--output", file, "1", "2")
        #expect(json.status == 0 && json.stdout.isEmpty)
        let document =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        #expect(document?["regressed"] as? Bool == false)
    }
}
