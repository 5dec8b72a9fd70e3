public import LogbookStore

/// One crawl as its tables hold it: the typed reads `crawl`, `diff`,
/// `report` and `plot` make of run `runID`, each answered with Swift values.
///
/// Reads on one connection; call them inside one read transaction
/// (`Connection.snapshot`, `RunReader.snapshot`) for one moment of a run
/// that is still being written.
public struct RecordedCrawl {
    public let database: Connection
    public let runID: Int64

    /// Run `runID` of `database` (a read-only connection will do).
    public init(_ database: Connection, run runID: Int64) {
        self.database = database
        self.runID = runID
    }

    /// The run's counts, from the `crawl_summary` view: zero for a run with no URL yet.
    public func counts() throws -> CrawlCounts {
        try database.prepare("SELECT * FROM crawl_summary WHERE run_id = ?").bound(runID).first(CrawlCounts.self)
            ?? CrawlCounts()
    }

    /// Links to a `#fragment` their page does not have. Meaningful for runs
    /// made with `checkFragments` only: without it no page's ids are recorded.
    public func brokenFragments() throws -> [BrokenFragment] {
        try database.prepare("SELECT url, fragment, found_on FROM broken_fragments WHERE run_id = ?").bound(runID)
            .all(BrokenFragment.self)
    }

    /// How many `brokenFragments()` there are, counted by SQLite in flat memory.
    public func brokenFragmentCount() throws -> Int {
        try database.prepare("SELECT count(*) FROM broken_fragments WHERE run_id = ?").bound(runID).scalar(Int.self)
            ?? 0
    }

    /// The run's URLs in byte order (SQLite's BINARY collation, which the
    /// UNIQUE (run_id, url) index keeps), read one at a time.
    public func urls() throws -> URLStream {
        URLStream(
            select: try database.prepare(
                """
                SELECT u.url, u.internal, f.outcome, f.status, f.error
                FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ? ORDER BY u.url
                """
            ).bound(runID))
    }

    /// The pages linking to `url`, in byte order.
    public func referrers(of url: String) throws -> [String] {
        try database.cached(
            """
            SELECT DISTINCT p.url FROM urls AS t JOIN links AS l ON l.to_url_id = t.id JOIN urls AS p ON p.id = l.from_url_id
            WHERE t.run_id = ? AND t.url = ? ORDER BY p.url
            """
        ).bound(runID, url).column(String.self)
    }

    /// The first `limit` dead links (rows of the `dead_links` view: a dead
    /// URL and a page linking to it), grouped by that page in byte order, the
    /// start URL's group (no page) first; in a page, by line, then URL.
    /// `total` counts them all.
    public func deadLinksByPage(limit: Int) throws -> (pages: [DeadLinkPage], total: Int) {
        var pages: [DeadLinkPage] = []
        try database.prepare(
            """
            SELECT found_on, url, status, error, line, element FROM dead_links WHERE run_id = ?
            ORDER BY found_on, line, url LIMIT ?
            """
        ).bound(runID, limit).forEachRow { row in
            let page: String? = try row["found_on"]
            if pages.last.map({ $0.page != page }) ?? true { pages.append(DeadLinkPage(page: page, links: [])) }
            pages[pages.count - 1].links.append(try DeadLink(row: row))
        }
        let total = try database.prepare("SELECT count(*) FROM dead_links WHERE run_id = ?").bound(runID).scalar(
            Int.self)
        return (pages, total ?? 0)
    }

    /// URLs by HTTP status and outcome, the most common first.
    public func outcomeCounts() throws -> [OutcomeCount] {
        try database.prepare(
            """
            SELECT status, outcome, count(*) AS urls FROM fetches WHERE run_id = ?
            GROUP BY status, outcome ORDER BY count(*) DESC
            """
        ).bound(runID).all(OutcomeCount.self)
    }

    /// Every fetch's time in milliseconds, shortest first.
    public func fetchTimes() throws -> [Double] {
        try database.prepare(
            """
            SELECT elapsed_ms FROM fetches WHERE run_id = ? AND elapsed_ms IS NOT NULL ORDER BY elapsed_ms
            """
        ).bound(runID).column(Double.self)
    }

    /// The first `limit` URLs, dead ones first, then by URL in byte order.
    public func urlRows(limit: Int) throws -> [URLRow] {
        try database.prepare(
            """
            SELECT u.url, coalesce(f.outcome, u.state) AS progress, f.status, f.elapsed_ms, f.bytes, f.content_type,
                   u.depth, u.first_referrer
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ?
            ORDER BY \(Outcome.Class.isDeadSQL("f.outcome")) DESC, u.url LIMIT ?
            """
        ).bound(runID, limit).all(URLRow.self)
    }

    /// Every fetch in the order made: what the crawl's charts draw. An
    /// outcome a `--reuse` crawl took without a request is no fetch of it.
    public func fetchTimeline() throws -> [TimelineFetch] {
        try database.prepare(
            """
            SELECT julianday(f.fetched_at) * 86400.0 AS seconds, u.internal, f.outcome
            FROM fetches AS f JOIN urls AS u ON u.id = f.url_id WHERE f.run_id = ? AND f.source != 'cached'
            ORDER BY f.fetched_at
            """
        ).bound(runID).all(TimelineFetch.self)
    }

    /// The query that lists every row `deadLinksByPage` left out, for a person to run (`logbook query`).
    public var deadLinksQuery: String { "SELECT * FROM dead_links WHERE run_id = \(runID)" }

    /// The query that lists every URL `urlRows` left out, for a person to run (`logbook query`).
    public var urlsQuery: String { "SELECT * FROM urls WHERE run_id = \(runID)" }
}

/// Not `Sendable`, like the `Connection` it reads.
@available(*, unavailable)
extension RecordedCrawl: Sendable {}

/// A crawl's counts, every column of the `crawl_summary` view.
public struct CrawlCounts: Hashable, Sendable, RowDecodable {
    public var urls = 0
    /// URLs of the site (fetched and parsed, or to be).
    public var pages = 0
    public var queued = 0
    public var ok = 0
    /// Dead URLs, each counted once (`Outcome.Class.isDead`).
    public var dead = 0
    public var redirectsNotFollowed = 0
    /// Skipped, excluded and disallowed by robots.txt.
    public var notChecked = 0
    /// Fetch times; nil before the first fetch.
    public var meanMilliseconds: Double?
    public var maxMilliseconds: Double?
    /// Outcomes taken from an earlier run (`--reuse`): cached or revalidated.
    public var reused = 0

    /// The counts of a run with no URL.
    public init() {}

    /// A sum over URLs none of which was fetched yet is NULL: read as 0.
    public init(row: Row) throws {
        urls = try row["urls"]
        pages = try row["pages"]
        queued = try row["queued"] as Int? ?? 0
        ok = try row["ok"] as Int? ?? 0
        dead = try row["dead"] as Int? ?? 0
        redirectsNotFollowed = try row["redirects_not_followed"] as Int? ?? 0
        notChecked = try row["not_checked"] as Int? ?? 0
        meanMilliseconds = try row["mean_ms"]
        maxMilliseconds = try row["max_ms"]
        reused = try row["reused"] as Int? ?? 0
    }
}

/// The counts `diff --format json` prints, as it always has: the six
/// counts, not the fetch times.
extension CrawlCounts: Encodable {
    private enum CodingKeys: String, CodingKey { case urls, pages, ok, dead, notChecked, queued }
}

/// A URL of a crawl: a page of the site or a checked link, with its outcome
/// once fetched.
public struct CrawledURL: Hashable, Sendable, RowDecodable {
    public let url: String
    public let isPage: Bool
    /// Nil while the URL is queued or being fetched.
    public let outcome: RecordedOutcome?

    public init(row: Row) throws {
        url = try row["url"]
        isPage = try row["internal"]
        outcome = try (row["outcome"] as Outcome.Class?).map {
            RecordedOutcome(outcome: $0, status: try row["status"], error: try row["error"])
        }
    }
}

/// A run's URLs in byte order, read one at a time, so memory stays flat however large the run.
public struct URLStream {
    let select: Statement

    /// The next URL; nil after the last.
    public func next() throws -> CrawledURL? { try select.next(CrawledURL.self) }
}

/// Not `Sendable`, like the statement it steps.
@available(*, unavailable)
extension URLStream: Sendable {}

/// A `#fragment` link to a page of the site that has no such id or a[name].
public struct BrokenFragment: Hashable, Sendable, Encodable, RowDecodable {
    public let url: String
    public let fragment: String
    public let foundOn: String

    public init(row: Row) throws {
        url = try row["url"]
        fragment = try row["fragment"]
        foundOn = try row["found_on"]
    }
}

/// A dead URL as a page links to it.
public struct DeadLink: Hashable, Sendable, RowDecodable {
    public let url: String
    public let status: Int?
    public let error: String?
    /// Of the link in its page; nil for the start URL, which no page links to.
    public let line: Int?
    public let element: String?

    public init(row: Row) throws {
        url = try row["url"]
        status = try row["status"]
        error = try row["error"]
        line = try row["line"]
        element = try row["element"]
    }
}

/// The dead links of one page; `page` is nil for the start URL's own.
public struct DeadLinkPage: Hashable, Sendable {
    public let page: String?
    public var links: [DeadLink]
}

/// How many URLs ended with one HTTP status (nil: no response) and outcome.
public struct OutcomeCount: Hashable, Sendable, RowDecodable {
    public let status: Int?
    public let outcome: Outcome.Class
    public let urls: Int

    public init(row: Row) throws {
        status = try row["status"]
        outcome = try row["outcome"]
        urls = try row["urls"]
    }
}

/// One row of the report's URL table.
public struct URLRow: Hashable, Sendable, RowDecodable {
    public let url: String
    /// The outcome's class once fetched, else the frontier state (queued, fetching).
    public let progress: String
    public let status: Int?
    public let elapsedMilliseconds: Double?
    public let bytes: Int?
    public let contentType: String?
    public let depth: Int
    public let firstReferrer: String?

    public init(row: Row) throws {
        url = try row["url"]
        progress = try row["progress"]
        status = try row["status"]
        elapsedMilliseconds = try row["elapsed_ms"]
        bytes = try row["bytes"]
        contentType = try row["content_type"]
        depth = try row["depth"]
        firstReferrer = try row["first_referrer"]
    }
}

/// One fetch on the crawl's timeline.
public struct TimelineFetch: Hashable, Sendable, RowDecodable {
    /// Seconds since the Julian epoch: only differences mean anything.
    public let seconds: Double
    public let isPage: Bool
    public let isDead: Bool

    public init(row: Row) throws {
        seconds = try row["seconds"]
        isPage = try row["internal"]
        isDead = try (row["outcome"] as Outcome.Class).isDead
    }
}
