import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@testable import CrawlSchema

/// A link from a page of 127.0.0.1 to its page `name`.
private func link(_ name: String) -> FoundLink {
    FoundLink(
        target: .queue(url: "http://127.0.0.1/\(name)", host: "127.0.0.1", sameSite: true),
        element: "a", attribute: "href", fragment: nil, line: 1)
}

@Suite struct PageDoneTests {
    /// Two processes (or a resume after a lost claim) may both fetch a page:
    /// recording it again replaces its links rather than adding them twice.
    @Test func aPageRecordedTwiceKeepsOneSetOfLinks() throws {
        let folder = TemporaryDirectory()
        let recorder = try Recorder(path: folder.database)
        let runID = try recorder.ask(StartRun(kind: .crawl, config: "{}"))
        try recorder.send(SeedCrawl(runID: runID, url: "http://127.0.0.1/", host: "127.0.0.1"))
        let page = try #require(try recorder.ask(ClaimURLs(runID: runID, limit: 1)).urls.first)
        let links = ["a", "b"].map(link)
        let done = PageDone(
            runID: runID, page: page, outcome: Outcome(outcome: .ok, status: 200), links: links,
            anchors: [], maxDepth: nil, maxPages: nil)
        try recorder.send(done)
        try recorder.send(done)
        try recorder.close()
        #expect(try committedRows(in: folder.database, table: "links") == 2)
        #expect(try committedRows(in: folder.database, table: "urls") == 3)
    }

    /// The writer's URL memo is bounded (what it dropped, PageDone finds in
    /// the database again) and keeps the URLs pages go on linking.
    @Test func theMemoKeepsTwoGenerationsAndTheURLsInUse() throws {
        let known = KnownURLs(limit: 2)
        for (id, url) in ["a", "b", "c", "d", "e"].enumerated() {
            known[url] = KnownURLs.Entry(id: Int64(id), depth: 1)
        }
        #expect(known["a"] == nil && known["b"] == nil, "two generations of two")
        #expect(known["c"]?.id == 2 && known["d"]?.id == 3 && known["e"]?.id == 4)
        known["c"] = known["c"]  // used again: young once more
        known["f"] = KnownURLs.Entry(id: 5, depth: 1)
        #expect(known["c"]?.id == 2 && known["d"] == nil)
        #expect(known.of(run: 9)["c"] == nil, "another run starts over")
    }
}

/// Pages of a crawl shared through a real PostgreSQL 15.
@Suite(.serialized) final class SharedPageDoneTests {
    let server: PostgresServer

    init() throws { server = try PostgresServer() }

    /// A claim that lapsed and was taken by another member is recorded by
    /// its new holder alone: the old holder, woken with a fetch that may be
    /// a timeout it suffered while stopped, records nothing, before or after.
    @Test(arguments: [true, false]) func onlyTheClaimsHolderRecordsThePage(staleFirst: Bool) throws {
        let recorder = try Recorder(path: try server.makeDatabase())
        let runID = try recorder.ask(StartRun(kind: .crawl, config: "{}"))
        try recorder.send(SeedCrawl(runID: runID, url: "http://127.0.0.1/", host: "127.0.0.1"))
        let stopped = CrawlMember(lease: .milliseconds(1))
        let stale = try #require(try recorder.ask(ClaimURLs(runID: runID, limit: 1, member: stopped)).urls.first)
        usleep(50_000)
        let taker = CrawlMember(lease: .seconds(60))
        let page = try #require(try recorder.ask(ClaimURLs(runID: runID, limit: 1, member: taker)).urls.first)
        #expect(page.id == stale.id, "the lapsed claim was taken")
        let timedOut = PageDone(
            runID: runID, page: stale, outcome: Outcome(outcome: .error, error: "Operation timed out"),
            links: [link("late")], anchors: [], maxDepth: nil, maxPages: nil, member: stopped)
        let fetched = PageDone(
            runID: runID, page: page, outcome: Outcome(outcome: .ok, status: 200), links: [link("a"), link("b")],
            anchors: [], maxDepth: nil, maxPages: nil, member: taker)
        for done in staleFirst ? [timedOut, fetched] : [fetched, timedOut] { try recorder.send(done) }
        try recorder.flush()
        let database = try Connection(path: recorder.path, mode: .readOnly)
        #expect(try database.scalar("SELECT outcome || ' ' || status FROM fetches") == .text("ok 200"))
        #expect(try database.scalar("SELECT count(*) FROM links") == .integer(2))
        #expect(try database.scalar("SELECT count(*) FROM urls WHERE url LIKE '%late'") == .integer(0))
        #expect(try database.scalar("SELECT state FROM urls WHERE id = \(page.id)") == .text("done"))
        try recorder.close()
    }
}
