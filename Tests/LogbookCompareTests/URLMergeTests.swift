import CrawlSchema
import LogbookCompare
import LogbookStore
import LogbookTestSupport
import Testing

/// The merge at the heart of `CrawlDiff`: two runs' URLs, streamed in byte
/// order from runs written here by SQL as a crawl leaves them, sorted into
/// newly dead, fixed, changed, pages added and pages removed. (No run holds
/// a URL twice: the UNIQUE (run_id, url) index refuses it.)
@Suite struct URLMergeTests {
    let folder = TemporaryDirectory()

    /// A URL of a crawl: fetched with `outcome` and `status`, or still
    /// queued (nil); a page of the site or a link only checked.
    struct Crawled {
        let url: String
        let outcome: String?
        let status: Int64?
        let isPage: Bool

        static func page(_ path: String, _ outcome: String? = "ok", _ status: Int64? = 200) -> Crawled {
            Crawled(url: "http://h" + path, outcome: outcome, status: status, isPage: true)
        }

        static func link(_ path: String, _ outcome: String?, _ status: Int64? = nil) -> Crawled {
            Crawled(url: "http://h" + path, outcome: outcome, status: status, isPage: false)
        }
    }

    /// A new crawl run of `urls` in the test database, opened as `diff` opens it.
    func run(_ urls: [Crawled]) throws -> RunReader {
        let database = try Connection(path: folder.database, mode: .readWrite)
        try database.migrate()
        let id = try database.prepare(
            """
            INSERT INTO runs (kind, status, config, logbook_version) VALUES ('crawl', 'completed', '{}', 'test')
            RETURNING id
            """
        ).scalar(Int64.self)!
        let insertURL = try database.prepare(
            "INSERT INTO urls (run_id, url, host, depth, internal, state) VALUES (?, ?, 'h', 1, ?, ?) RETURNING id")
        let insertFetch = try database.prepare(
            "INSERT INTO fetches (url_id, run_id, status, outcome) VALUES (?, ?, ?, ?)")
        // Written in reverse: the order the merge sees comes from the index, not from the rows.
        for url in urls.reversed() {
            try insertURL.bind(id, url.url, url.isPage ? 1 : 0, url.outcome == nil ? "queued" : "done")
            let urlID = try insertURL.scalar(Int64.self)!
            guard let outcome = url.outcome else { continue }
            try insertFetch.bind(urlID, id, url.status.map(SQLValue.integer) ?? .null, outcome)
            try insertFetch.run()
        }
        return try RunReader(path: folder.database, id: id)
    }

    func compare(_ a: [Crawled], _ b: [Crawled]) throws -> CrawlDiff { try CrawlDiff(try run(a), try run(b)) }

    func urls(_ paths: String...) -> [String] { paths.map { "http://h" + $0 } }

    /// "/path before → after", with – for a side that has no outcome.
    func described(_ url: String, _ before: CrawlDiff.Outcome?, _ after: CrawlDiff.Outcome?) -> String {
        "\(url.dropFirst("http://h".count)) \(before?.description ?? "–") → \(after?.description ?? "–")"
    }

    @Test func equalRunsDifferInNothing() throws {
        let crawled: [Crawled] = [
            .page("/"), .page("/a"), .link("/dead", "dead", 404), .link("/x", "error"), .link("/q", nil),
        ]
        let diff = try compare(crawled, crawled)
        #expect(diff.newlyDead.isEmpty && diff.fixed.isEmpty && diff.changed.isEmpty)
        #expect(diff.pagesAdded.isEmpty && diff.pagesRemoved.isEmpty && !diff.regressed)
    }

    @Test func disjointRunsRemoveAllOfAAndAddAllOfB() throws {
        let diff = try compare(
            [.page("/a"), .link("/b", "dead", 404), .link("/c", "ok", 200)],
            [.page("/d"), .link("/e", "error"), .link("/f", "ok", 200)])
        #expect(diff.pagesRemoved == urls("/a"))
        #expect(diff.pagesAdded == urls("/d"))
        #expect(
            diff.fixed.map { described($0.url, $0.before, $0.after) } == ["/b dead 404 → –"],
            "a dead link B no longer has")
        #expect(diff.newlyDead.map { described($0.url, $0.before, $0.after) } == ["/e – → error"])
        #expect(diff.changed.isEmpty)
    }

    @Test func interleavedRunsPairEachURLWithItself() throws {
        let diff = try compare(
            [
                .page("/a"), .link("/c", "dead", 404), .link("/e", "ok", 200), .link("/g", "dead", 404),
                .link("/h", nil), .link("/i", "dead", 404),
            ],
            [
                .page("/b"), .link("/c", "dead", 410), .link("/d", "dead", 404), .link("/e", "dead", 500),
                .page("/f", nil, nil), .link("/g", "ok", 200), .link("/h", "dead", 404), .link("/i", nil),
            ])
        #expect(diff.pagesRemoved == urls("/a"))
        #expect(diff.pagesAdded == urls("/b", "/f"), "a page still queued in B is added all the same")
        #expect(
            diff.newlyDead.map { described($0.url, $0.before, $0.after) } == [
                "/d – → dead 404", "/e ok 200 → dead 500", "/h – → dead 404",  // /h was queued in A
            ])
        #expect(diff.fixed.map { described($0.url, $0.before, $0.after) } == ["/g dead 404 → ok 200"])
        #expect(
            diff.changed.map { described($0.url, $0.before, $0.after) } == ["/c dead 404 → dead 410"], "dead in both")
        // /i, dead in A and not yet fetched in B, is none of these.
    }

    @Test func anEmptySideAddsOrRemovesEverything() throws {
        let crawled: [Crawled] = [
            .page("/"), .link("/dead", "dead", 404), .link("/ok", "ok", 200), .page("/q", nil, nil),
        ]
        let added = try compare([], crawled)
        #expect(added.pagesAdded == urls("/", "/q") && added.newlyDead.map(\.url) == urls("/dead"))
        #expect(added.pagesRemoved.isEmpty && added.fixed.isEmpty && added.changed.isEmpty)
        let removed = try compare(crawled, [])
        #expect(removed.pagesRemoved == urls("/", "/q") && removed.fixed.map(\.url) == urls("/dead"))
        #expect(removed.pagesAdded.isEmpty && removed.newlyDead.isEmpty && removed.changed.isEmpty)
        let neither = try compare([], [])
        #expect(neither.pagesAdded.isEmpty && neither.pagesRemoved.isEmpty && !neither.regressed)
    }

    /// Swift's `String` equates canonically equivalent text, so é written as
    /// one scalar and as e + U+0301 are equal strings but different URLs in
    /// the index, ordered by their bytes (e, 0x65, before é, 0xC3 0xA9).
    @Test func urlsAreMatchedByTheirBytesAsTheIndexOrdersThem() throws {
        let diff = try compare(
            [.link("/cafe\u{301}", "dead", 404), .link("/z", "ok", 200)],
            [.link("/caf\u{e9}", "ok", 200), .link("/z", "dead", 404)])
        #expect(
            diff.fixed.count == 1 && diff.fixed.first?.after == nil,
            "the decomposed URL is gone from B, not fixed there")
        #expect(diff.fixed.first.map { Array($0.url.utf8) } == Array("http://h/cafe\u{301}".utf8))
        #expect(diff.newlyDead.map(\.url) == urls("/z"), "the URLs after the pair still meet their match")
        #expect(diff.changed.isEmpty)
    }
}
