import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct CrawlDiffTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// Two crawls of the site, version 1 then version 2, as runs 1 and 2 of `database`.
    func crawlBothVersions(
        _ site: TwoVersionSite, into database: String, secondInto other: String? = nil,
        options: [String] = []
    ) throws {
        let first = try runProcess(
            builtProduct("logbook"), ["crawl", "--db", database, "--quiet", "--retries", "0", site.url("/")] + options)
        #expect(first.status == 1, "dead links: \(first.stderr)")
        site.switchToSecondVersion()
        let second = try runProcess(
            builtProduct("logbook"),
            ["crawl", "--db", other ?? database, "--quiet", "--retries", "0", site.url("/")] + options)
        #expect(second.status == 1, "dead links: \(second.stderr)")
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    @Test func findsExactlyTheLinksThatChangedAndExitsOneOnANewlyDeadLink() throws {
        let site = try TwoVersionSite()
        try crawlBothVersions(site, into: path)
        let result = try logbook("diff", "--db", path, "--format", "json", "1", "2")
        #expect(result.status == 1, "\(result.stderr)")
        let document = try json(result)
        #expect(document["regressed"] as? Bool == true)
        let diff = try #require(document["diff"] as? [String: Any])
        let newlyDead = try #require(diff["newlyDead"] as? [[String: Any]])
        #expect(newlyDead.map { $0["url"] as? String } == [site.url("/missing")])
        #expect(newlyDead.first?["foundOn"] as? [String] == [site.url("/b")])
        let fixed = try #require(diff["fixed"] as? [[String: Any]])
        #expect(fixed.map { $0["url"] as? String } == [site.url("/fixme")])
        let changed = try #require(diff["changed"] as? [[String: Any]])
        #expect(changed.map { $0["url"] as? String } == [site.url("/dead")])
        #expect((changed.first?["after"] as? [String: Any])?["status"] as? Int == 410)
        #expect(diff["pagesAdded"] as? [String] == [site.url("/missing"), site.url("/new")])
        #expect(diff["pagesRemoved"] as? [String] == [site.url("/c"), site.url("/old")])

        let text = try logbook("diff", "--db", path, "1", "2")
        #expect(text.status == 1)
        #expect(
            text.stdout.contains(
                "newly dead links: 1\n  \(site.url("/missing"))  new link, dead 404\n      linked from \(site.url("/b"))"
            ))
        #expect(text.stdout.contains("REGRESSED: 1 newly dead link\n"))
        #expect(diff["newlyBrokenFragments"] == nil, "fragments are compared only when both runs checked them")

        // The other way round, the link that came back is the regression.
        let reverse = try json(try logbook("diff", "--db", path, "--format", "json", "2", "1"))
        let reversed = try #require((reverse["diff"] as? [String: Any])?["newlyDead"] as? [[String: Any]])
        #expect(reversed.map { $0["url"] as? String } == [site.url("/fixme")])
    }

    @Test func withCheckFragmentsANewlyBrokenFragmentIsARegression() throws {
        let site = try TwoVersionSite()
        try crawlBothVersions(site, into: path, options: ["--check-fragments"])
        let result = try logbook("diff", "--db", path, "--format", "json", "1", "2")
        #expect(result.status == 1)
        let diff = try #require(try json(result)["diff"] as? [String: Any])
        let broken = try #require(diff["newlyBrokenFragments"] as? [[String: String]])
        #expect(broken == [["url": site.url("/"), "fragment": "nowhere", "foundOn": site.url("/a")]])
        let text = try logbook("diff", "--db", path, "1", "2")
        #expect(
            text.stdout.contains("newly broken fragments: 1\n  \(site.url("/"))#nowhere  linked from \(site.url("/a"))")
        )
        #expect(text.stdout.contains("REGRESSED: 1 newly dead link, 1 newly broken fragment"))
    }

    @Test func aRunComparedWithItselfHasNoRegression() throws {
        let site = try TwoVersionSite()
        try crawlBothVersions(site, into: path)
        let result = try logbook("diff", "--db", path, "2", "2")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("newly dead links: 0") && result.stdout.contains("no regression"))
    }

    @Test func runsInTwoFilesCompareAndRunsNamesTheLaterRun() throws {
        let site = try TwoVersionSite()
        let other = folder.file("other.sqlite")
        try crawlBothVersions(site, into: path, secondInto: other)
        let withFlag = try logbook("diff", "--db", path, "--db-b", other, "--format", "json", "1", "1")
        let withPath = try logbook("diff", "--db", path, "--format", "json", "1", "\(other):1")
        #expect(withFlag.status == 1 && withPath.status == 1)
        #expect(withFlag.stdout == withPath.stdout)
        #expect(try json(withFlag)["regressed"] as? Bool == true)

        #expect(try logbook("crawl", "--db", path, "--quiet", site.url("/")).status == 1)
        #expect(try logbook("simulate", "--db", path, "--quiet", "--particles", "4", "--steps", "2").status == 0)
        let runs = try logbook("runs", "--db", path, "--format", "csv")
        let later = runs.stdout.split(separator: "\r\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)[5]
        }
        #expect(later == ["2", "", ""], "run 1's later run is run 2, the same site; \(runs.stdout)")
    }

    @Test func refusesToCompareACrawlWithASimulationOrAMissingRun() throws {
        let site = try TwoVersionSite()
        #expect(try logbook("crawl", "--db", path, "--quiet", site.url("/")).status == 1)
        #expect(try logbook("simulate", "--db", path, "--quiet", "--particles", "4", "--steps", "2").status == 0)
        let mixed = try logbook("diff", "--db", path, "1", "2")
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("run 1 is a crawl and run 2 is a simulation"))
        let missing = try logbook("diff", "--db", path, "1", "7")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no run 7"))
        let bad = try logbook("diff", "--db", path, "1", "seven")
        #expect(bad.status == 2)
        let absent = try logbook("diff", "--db", folder.file("absent.sqlite"), "1", "2")
        #expect(absent.status == 3)
        #expect(absent.stderr.contains("absent.sqlite: no database here"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("absent.sqlite")))
    }
}
