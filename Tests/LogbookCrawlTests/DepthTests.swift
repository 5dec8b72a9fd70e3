import CrawlSchema
import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@testable import LogbookCrawl

/// Depth is the shortest link distance from the start, whoever found a page
/// first: the same site gives the same crawl with one worker, eight, or
/// killed and resumed.
@Suite struct DepthTests {
    let folder = TemporaryDirectory()

    /// A long way and a shortcut to /p: / → /c1 → /c2 → /p is three links,
    /// / → /s → /p two, but /s answers late, so with several workers /p is
    /// usually found the long way first.
    static let site: [String: [String]] = [
        "/": ["/c1", "/s"], "/c1": ["/c2"], "/c2": ["/p"], "/s": ["/p"], "/p": ["/q"], "/q": ["/r"], "/r": ["/"],
    ]

    func serve() throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            guard let links = Self.site[path] else { return .html("not here", status: 404) }
            var response = TestResponse.html(links.map { "<a href=\"\($0)\">\($0)</a>" }.joined())
            if path == "/s" { response.delay = .milliseconds(300) }
            return response
        }
    }

    /// What any crawl must record, breadth first from /: pages within
    /// `maxDepth` fetched, the next ones excluded, each at its distance.
    func expected(maxDepth: Int?, on server: TestHTTPServer) -> (outcomes: [String: String], depths: [String: Int]) {
        var depths = ["/": 0]
        var level = ["/"]
        var depth = 0
        while !level.isEmpty, maxDepth.map({ depth <= $0 }) ?? true {
            depth += 1
            level = Set(level.flatMap { Self.site[$0]! }).filter { depths[$0] == nil }.sorted()
            for page in level { depths[page] = depth }
        }
        var outcomes: [String: String] = [:]
        for (page, depth) in depths { outcomes[server.url(page)] = depth > (maxDepth ?? .max) ? "excluded" : "ok 200" }
        return (outcomes, Dictionary(uniqueKeysWithValues: depths.map { (server.url($0.key), $0.value) }))
    }

    @Test(arguments: [2, 3, nil] as [Int?])
    func oneWorkerAndEightRecordTheSameCrawl(maxDepth: Int?) throws {
        let server = try serve()
        let reference = expected(maxDepth: maxDepth, on: server)
        var links: [String]?
        for workers in [1, 8, 8, 8] {
            let runFolder = TemporaryDirectory()
            let (path, summary) = try crawl(server.url("/"), in: runFolder) { config in
                config.workers = workers
                config.maxDepth = maxDepth
            }
            let record = try CrawlRecord(run: summary.runID, in: path)
            #expect(record.outcomes == reference.outcomes, "\(workers) workers")
            #expect(record.depths == reference.depths, "\(workers) workers")
            #expect(record.links == (links ?? record.links), "\(workers) workers")
            links = record.links
        }
    }

    @Test func aCrawlKilledAndResumedEqualsOneWorker() throws {
        // Slow pages: a crawl of several commits (a second apart), to be killed in.
        let server = try linkedSite(delay: .milliseconds(80))
        let options = [server.url("/"), "--max-depth", "6", "--retries", "0", "--quiet"]
        let reference = folder.file("reference.sqlite")
        let one = try runProcess(builtProduct("logbook"), ["crawl", "--db", reference, "--workers", "1"] + options)
        #expect(one.status == 1, "dead links found: \(one.stderr)")
        let expected = try CrawlRecord(run: 1, in: reference)
        #expect(expected.urls("ok").count == 198, "/ and the pages at most 6 links from it")

        func fetched() -> Int64 { (try? committedRows(in: folder.database, table: "fetches")) ?? 0 }
        var child = try ChildProcess(
            builtProduct("logbook"), ["crawl", "--db", folder.database, "--workers", "8"] + options)
        var kills = 0
        while kills < 4 {
            let before = fetched()
            let deadline = Date().addingTimeInterval(30)
            while fetched() < before + 5, Date() < deadline { usleep(2_000) }
            child.signal(SIGKILL)
            // Unless it finished first.
            guard child.finish().signalled, try !crawlCompleted(in: folder.database) else { break }
            kills += 1
            child = try ChildProcess(builtProduct("logbook"), ["resume", "--db", folder.database, "--quiet"])
        }
        let last = child.finish()
        #expect(last.status == 1, "\(last.stderr)")
        #expect(kills >= 1, "the crawl finished before it was killed")
        let resumed = try CrawlRecord(run: 1, in: folder.database)
        #expect(resumed.outcomes == expected.outcomes)
        #expect(resumed.depths == expected.depths)
        #expect(resumed.links == expected.links)
    }
}
