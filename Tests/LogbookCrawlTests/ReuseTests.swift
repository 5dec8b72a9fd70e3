import Foundation
import LogbookStore
import LogbookTestSupport
import Synchronization
import Testing

/// `crawl --reuse`: the database as the cache for the next crawl, against
/// real servers that answer conditional requests (`validators`).
@Suite struct ReuseTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// 200 pages of a site, every tenth linking a dead page of the site, and
    /// every page linking one of 20 URLs on another server, a quarter of them
    /// dead. A changed page links one more dead page.
    struct Sites {
        let elsewhere: TestHTTPServer
        let site: TestHTTPServer
        private let changed = Changes()

        final class Changes: Sendable { let pages = Mutex<Set<Int>>([]) }

        init() throws {
            let elsewhere = try TestHTTPServer(validators: true) { _, path in
                guard let n = Int(path.dropFirst(3)) else { return .html("no", status: 404) }
                return n % 4 == 0 ? .html("gone", status: 404) : .html("there")
            }
            let changed = changed
            site = try TestHTTPServer(validators: true) { _, path in
                guard path.hasPrefix("/p/"), let page = Int(path.dropFirst(3)), page < 200 else {
                    return path == "/" ? .html("<a href=\"/p/0\">start</a>") : .html("missing", status: 404)
                }
                var links = [(page + 1) % 200, (page * 7 + 3) % 200].map { "<a href=\"/p/\($0)\">\($0)</a>" }
                links.append("<a href=\"\(elsewhere.url("/e/\(page % 20)"))\">out</a>")
                if page % 10 == 0 { links.append("<a href=\"/dead/\(page)\">dead</a>") }
                if changed.pages.withLock({ $0.contains(page) }) {
                    links.append("<a href=\"/new-dead/\(page)\">new</a>")
                }
                return .html(links.joined(separator: "\n"))
            }
            self.elsewhere = elsewhere
        }

        func change(_ page: Int) { _ = changed.pages.withLock { $0.insert(page) } }
    }

    func crawl(_ sites: Sites, _ extra: [String] = []) throws -> ProcessResult {
        try runProcess(
            builtProduct("logbook"),
            ["crawl", "--db", path, sites.site.url("/"), "--retries", "0", "--quiet", "--workers", "4"] + extra)
    }

    func sources(run: Int64) throws -> [String: Int] {
        let database = try Connection(path: path, mode: .readOnly)
        var counts: [String: Int] = [:]
        try database.prepare("SELECT source, count(*) AS n FROM fetches WHERE run_id = ? GROUP BY source")
            .bound(run).forEachRow { row in counts[try row["source"]] = try row["n"] }
        return counts
    }

    @Test func aSecondCrawlOfAnUnchangedSiteDownloadsNoPageAndFindsTheSameDeadLinks() throws {
        let sites = try Sites()
        let first = try crawl(sites)
        #expect(first.status == 1, "\(first.stderr)")
        let pages = sites.site.fullBodyCount
        let checks = (0..<20).map { sites.elsewhere.requestCount("/e/\($0)") }.reduce(0, +)
        #expect(pages == 201)
        #expect(checks == 20)

        let second = try crawl(sites, ["--reuse"])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stdout.contains("reused from an earlier run"), "\(second.stdout)")
        // Every page answered 304: no page downloaded again (at least 90% fewer is the floor).
        #expect(sites.site.fullBodyCount - pages == 0)
        // Only the dead external links were checked again.
        #expect((0..<20).map { sites.elsewhere.requestCount("/e/\($0)") }.reduce(0, +) - checks == 5)

        let (one, two) = (try CrawlRecord(run: 1, in: path), try CrawlRecord(run: 2, in: path))
        #expect(two.outcomes == one.outcomes)
        #expect(two.links == one.links)
        #expect(try sources(run: 2) == ["revalidated": 201, "cached": 15, "fetched": 20 + 5])
        let database = try Connection(path: path, mode: .readOnly)
        #expect(
            try database.prepare("SELECT DISTINCT source_run FROM fetches WHERE run_id = 2 AND source != 'fetched'")
                .column(Int64.self) == [1])
        #expect(try runProcess(builtProduct("logbook"), ["diff", "1", "2", "--db", path]).status == 0)
    }

    @Test func aChangedPageIsReadAgainAndItsNewDeadLinkFound() throws {
        let sites = try Sites()
        #expect(try crawl(sites).status == 1)
        let pages = sites.site.fullBodyCount
        sites.change(42)
        #expect(try crawl(sites, ["--reuse"]).status == 1)
        #expect(sites.site.fullBodyCount - pages == 1)  // page 42 only
        let two = try CrawlRecord(run: 2, in: path)
        #expect(two.urls("dead").contains(sites.site.url("/new-dead/42")))
        let diff = try runProcess(builtProduct("logbook"), ["diff", "1", "2", "--db", path])
        #expect(diff.status == 1, "a link broke: \(diff.stdout)")
        #expect(diff.stdout.contains("/new-dead/42"))
    }

    @Test func aChainOfReusesKeepsTheFirstFetchTimeAndMaxAgeZeroChecksAgain() throws {
        let sites = try Sites()
        #expect(try crawl(sites).status == 1)
        #expect(try crawl(sites, ["--reuse"]).status == 1)
        #expect(try crawl(sites, ["--reuse"]).status == 1)
        let database = try Connection(path: path, mode: .readOnly)
        let cachedFrom = try database.prepare(
            "SELECT DISTINCT source_run FROM fetches WHERE run_id = 3 AND source = 'cached'"
        ).column(Int64.self)
        #expect(cachedFrom == [1], "a cached outcome names the run that fetched it")
        let fetchedAt = try database.prepare(
            """
            SELECT count(*) FROM fetches AS a JOIN urls AS u ON u.id = a.url_id
            JOIN urls AS v ON v.run_id = 1 AND v.url = u.url JOIN fetches AS b ON b.url_id = v.id
            WHERE a.run_id = 3 AND a.source = 'cached' AND a.fetched_at = b.fetched_at
            """
        ).scalar(Int.self)
        #expect(fetchedAt == 15)

        let checks = (0..<20).map { sites.elsewhere.requestCount("/e/\($0)") }.reduce(0, +)
        #expect(try crawl(sites, ["--reuse-run", "3", "--max-age", "0"]).status == 1)
        #expect((0..<20).map { sites.elsewhere.requestCount("/e/\($0)") }.reduce(0, +) - checks == 20)
        #expect(try sources(run: 4)["cached"] == nil)
    }

    @Test func whatTheEarlierRunAcceptedOrDidNotRecordIsCheckedAgain() throws {
        let sites = try Sites()
        #expect(try crawl(sites, ["--accept", "200..299,404"]).status == 0)  // every dead link is a 404
        let checks = (0..<20).map { sites.elsewhere.requestCount("/e/\($0)") }.reduce(0, +)
        // Run 1 counted the five external 404s as ok; run 2 does not accept them: asked again, and dead.
        #expect(try crawl(sites, ["--reuse"]).status == 1)
        #expect((0..<20).map { sites.elsewhere.requestCount("/e/\($0)") }.reduce(0, +) - checks == 5)
        #expect(try CrawlRecord(run: 2, in: path).urls("dead").contains(sites.elsewhere.url("/e/0")))
        // Run 2 recorded no anchors: a run that checks fragments reads every page again.
        let pages = sites.site.fullBodyCount
        #expect(try crawl(sites, ["--reuse", "--check-fragments"]).status == 1)
        #expect(sites.site.fullBodyCount - pages == 201)
        #expect(try sources(run: 3)["revalidated"] == nil)
    }

    @Test func reuseInAFileWithoutAnEarlierCrawlCrawlsEverythingAndSaysSo() throws {
        let sites = try Sites()
        let first = try crawl(sites, ["--reuse"])
        #expect(first.status == 1)
        #expect(first.stderr.contains("nothing to reuse"), "\(first.stderr)")
        #expect(try sources(run: 1) == ["fetched": 201 + 20 + 20])
    }

    @Test func aReuseRunThatIsNotACrawlIsABadFlag() throws {
        let sites = try Sites()
        let missing = try crawl(sites, ["--reuse-run", "9"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("has no run 9"), "\(missing.stderr)")
        let age = try crawl(sites, ["--max-age", "1d"])
        #expect(age.status == 2)
        #expect(age.stderr.contains("--max-age applies with --reuse only"), "\(age.stderr)")
        let badAge = try crawl(sites, ["--reuse", "--max-age", "soon"])
        #expect(badAge.status == 2)
    }
}
