import LogbookStore
import LogbookTestSupport
import Testing

@testable import CrawlSchema

/// The typed reads of a crawl, over a run written by the crawl's own records.
@Suite struct RecordedCrawlTests {
    let folder = TemporaryDirectory()

    /// A link from a page, found on `line`.
    func link(_ url: String, sameSite: Bool = true, fragment: String? = nil, line: Int) -> FoundLink {
        FoundLink(
            target: .queue(url: url, host: "h", sameSite: sameSite), element: "a", attribute: "href",
            fragment: fragment, line: line)
    }

    /// A crawl of http://h/ as the records write it: the start page links
    /// /a (and /a#missing, which /a does not have), /gone (a dead link to
    /// another site) and a mailto: link, which is not checked.
    func record() throws -> RecordedCrawl {
        let recorder = try Recorder(path: folder.database)
        let runID = try recorder.ask(StartRun(kind: .crawl, config: "{}"))
        try recorder.send(SeedCrawl(runID: runID, url: "http://h/", host: "h"))
        let start = try #require(try recorder.ask(ClaimURLs(runID: runID, limit: 8)).urls.first)
        let skipped = Outcome(outcome: .skipped, error: "mailto: links are not checked")
        let mailto = FoundLink(
            target: .settled(url: "mailto:x", host: "", skipped), element: "a", attribute: "href",
            fragment: nil, line: 4)
        let links = [
            link("http://h/a", line: 1), link("http://h/a", fragment: "missing", line: 2),
            link("http://other/gone", sameSite: false, line: 3), mailto,
        ]
        try recorder.send(
            PageDone(
                runID: runID, page: start, outcome: Outcome(outcome: .ok, status: 200, elapsedMilliseconds: 10),
                links: links, anchors: [], maxDepth: nil, maxPages: nil))
        let claimed = try recorder.ask(ClaimURLs(runID: runID, limit: 8)).urls
        #expect(claimed.map(\.url) == ["http://h/a", "http://other/gone"])
        let (a, gone) = (claimed[0], claimed[1])
        try recorder.send(
            PageDone(
                runID: runID, page: a, outcome: Outcome(outcome: .ok, status: 200, elapsedMilliseconds: 30),
                links: [], anchors: ["top"], maxDepth: nil, maxPages: nil))
        try recorder.send(
            PageDone(
                runID: runID, page: gone, outcome: Outcome(outcome: .dead, status: 404, error: "HTTP 404"),
                links: [], anchors: [], maxDepth: nil, maxPages: nil))
        try recorder.close()
        return RecordedCrawl(try Connection(path: folder.database, mode: .readOnly), run: runID)
    }

    @Test func deadMeansDeadOrErrorInSwiftAndInSQL() {
        #expect(Outcome.Class.allCases.filter(\.isDead) == [.dead, .error])
        #expect(
            Outcome.Class.isDeadSQL("f.outcome") == "f.outcome IN ('dead', 'error')", "as the migration's views say it")
        #expect(RecordedOutcome(outcome: .error, status: nil, error: "timeout").isDead)
        #expect(!RecordedOutcome(outcome: .redirect, status: 301, error: nil).isDead)
    }

    @Test func countsHaveEveryColumnOfTheSummary() throws {
        let counts = try record().counts()
        #expect((counts.urls, counts.pages, counts.queued) == (4, 2, 0))
        #expect((counts.ok, counts.dead, counts.redirectsNotFollowed, counts.notChecked) == (2, 1, 0, 1))
        #expect(counts.meanMilliseconds == 20 && counts.maxMilliseconds == 30)
    }

    /// Before anything is fetched the view's sums are NULL: they read as 0.
    @Test func aRunWithNothingFetchedCountsZero() throws {
        let recorder = try Recorder(path: folder.database)
        let runID = try recorder.ask(StartRun(kind: .crawl, config: "{}"))
        try recorder.send(SeedCrawl(runID: runID, url: "http://h/", host: "h"))
        try recorder.close()
        let crawl = RecordedCrawl(try Connection(path: folder.database, mode: .readOnly), run: runID)
        var expected = CrawlCounts()
        (expected.urls, expected.pages, expected.queued) = (1, 1, 1)
        #expect(try crawl.counts() == expected)
        #expect(try RecordedCrawl(crawl.database, run: runID + 1).counts() == CrawlCounts(), "no such run")
    }

    @Test func urlsStreamInByteOrderWithTheirOutcomes() throws {
        let stream = try record().urls()
        var urls: [CrawledURL] = []
        while let url = try stream.next() { urls.append(url) }
        #expect(urls.map(\.url) == ["http://h/", "http://h/a", "http://other/gone", "mailto:x"])
        #expect(urls.map(\.isPage) == [true, true, false, false])
        #expect(
            urls.map { $0.outcome?.description }
                == ["ok 200", "ok 200", "dead 404", "skipped (mailto: links are not checked)"])
    }

    @Test func deadLinksComeByPageWithTheirReferrers() throws {
        let crawl = try record()
        #expect(try crawl.referrers(of: "http://other/gone") == ["http://h/"])
        let (pages, total) = try crawl.deadLinksByPage(limit: 10)
        #expect(total == 1 && pages.map(\.page) == ["http://h/"])
        #expect(
            pages.first?.links.map { "\($0.url) \($0.status ?? 0) line \($0.line ?? 0) \($0.element ?? "")" }
                == ["http://other/gone 404 line 3 a"])
        #expect(try crawl.deadLinksByPage(limit: 0) == ([], 1), "the total counts what the limit leaves out")
    }

    @Test func brokenFragmentsNameTheirPage() throws {
        let crawl = try record()
        #expect(
            try crawl.brokenFragments().map { "\($0.url)#\($0.fragment) on \($0.foundOn)" }
                == ["http://h/a#missing on http://h/"])
        #expect(try crawl.brokenFragmentCount() == 1)
    }

    @Test func reportReadsPutDeadURLsFirst() throws {
        let crawl = try record()
        #expect(
            try crawl.urlRows(limit: 10).map { "\($0.url) \($0.progress) \($0.depth)" }
                == ["http://other/gone dead 1", "http://h/ ok 0", "http://h/a ok 1", "mailto:x skipped 1"])
        #expect(try crawl.urlRows(limit: 1).count == 1)
        #expect(
            try crawl.outcomeCounts().map { "\($0.status.map(String.init) ?? "-") \($0.outcome) \($0.urls)" }.sorted()
                == ["- skipped 1", "200 ok 2", "404 dead 1"])
        #expect(try crawl.fetchTimes() == [10, 30])
        let timeline = try crawl.fetchTimeline()
        #expect(timeline.count == 4 && timeline.filter(\.isDead).count == 1 && timeline.filter(\.isPage).count == 2)
    }
}
