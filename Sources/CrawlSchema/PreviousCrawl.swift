import Foundation
public import LogbookStore

/// What an earlier crawl in the same file learned, as a `--reuse` crawl
/// reads it: each worker on its own read-only connection (WAL lets it read
/// while the writer writes), one URL at a time.
public struct PreviousCrawl {
    public let database: Connection
    public let runID: Int64
    /// Whether the earlier run's outcomes of links elsewhere hold for this
    /// crawl: its requests went where this crawl's go (the same `--remap`
    /// rules) with the same headers.
    public let reusesOutcomes: Bool
    /// Whether its pages' links and anchors do: as above, and it recorded
    /// the pages' anchors when this crawl checks fragments.
    public let reusesPages: Bool
    /// This crawl's `--accept`: an earlier ok whose status it does not
    /// accept is no ok now.
    private let accept: StatusCodes

    /// Run `runID` of `database`, for a crawl with `config`. An earlier run
    /// whose settings cannot be read is reused for nothing.
    public init(_ database: Connection, run runID: Int64, for config: CrawlConfig) {
        self.database = database
        self.runID = runID
        let earlier = try? database.runs(id: runID).first?.crawlConfig()
        let sameRequests = earlier.map { $0.remap == config.remap && $0.limits.headers == config.limits.headers }
        reusesOutcomes = sameRequests ?? false
        reusesPages = reusesOutcomes && (!config.checkFragments || earlier?.checkFragments == true)
        accept = config.accept
    }

    /// The earlier run's outcome for `url`, if it has one that still holds:
    /// an ok whose status this crawl does not accept is none.
    public func fetch(of url: String) throws -> PreviousFetch? {
        let found = try database.cached(
            """
            SELECT u.id, f.outcome, f.status, f.error, f.content_type, f.bytes, f.final_url, f.redirects, f.etag,
                   f.last_modified, f.source, f.source_run, f.fetched_at,
                   (julianday('now') - julianday(f.fetched_at)) * 86400.0 AS age
            FROM urls AS u JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ? AND u.url = ?
            """
        ).bound(runID, url).first(PreviousFetch.self)
        guard let found, found.outcome.outcome != .ok || found.outcome.status.map(accept.contains) == true else {
            return nil
        }
        return found
    }

    /// The links the earlier run recorded on page `urlID`, in the page's order.
    public func links(from urlID: Int64) throws -> [PreviousLink] {
        try database.cached(
            """
            SELECT t.url, l.element, l.attribute, l.fragment, l.line
            FROM links AS l JOIN urls AS t ON t.id = l.to_url_id WHERE l.from_url_id = ? ORDER BY l.rowid
            """
        ).bound(urlID).all(PreviousLink.self)
    }

    /// The ids and a[name]s the earlier run recorded for page `urlID`.
    public func anchors(of urlID: Int64) throws -> Set<String> {
        Set(try database.cached("SELECT name FROM anchors WHERE url_id = ?").bound(urlID).column(String.self))
    }

    /// The latest crawl of `start` in `database` other than `except`: what
    /// `--reuse` without a run takes.
    public static func latest(of start: String, in database: Connection, except: Int64? = nil) throws -> Int64? {
        try database.runs().last { run in
            run.kind == .crawl && run.id != except && (try? run.crawlConfig().start) == start
        }?.id
    }
}

/// Not `Sendable`, like the `Connection` it reads.
@available(*, unavailable)
extension PreviousCrawl: Sendable {}

/// A URL's outcome in an earlier run, and how old it is.
public struct PreviousFetch: Sendable, RowDecodable {
    /// The URL's id in the earlier run.
    public let urlID: Int64
    /// As recorded, with its validators and source.
    public let outcome: Outcome
    /// When it was really fetched, and how many seconds ago.
    public let fetchedAt: String
    public let ageSeconds: Double

    public init(row: Row) throws {
        urlID = try row["id"]
        var outcome = Outcome(
            outcome: try row["outcome"], status: try row["status"], error: try row["error"],
            contentType: try row["content_type"], bytes: try row["bytes"], finalURL: try row["final_url"],
            redirects: try (row["redirects"] as String?).map {
                try JSONDecoder().decode([String].self, from: Data($0.utf8))
            }
                ?? [])
        outcome.etag = try row["etag"]
        outcome.lastModified = try row["last_modified"]
        outcome.source = try row["source"]
        outcome.sourceRun = try row["source_run"]
        self.outcome = outcome
        fetchedAt = try row["fetched_at"]
        ageSeconds = try row["age"] as Double? ?? .infinity
    }

    /// The outcome a `--reuse` crawl records without a request, when this
    /// one was ok and is at most `maxAge` seconds old: its fetch time and
    /// the run that made it are kept, so a chain of reuses never makes it
    /// younger.
    public func cached(from run: Int64, maxAge: Int) -> Outcome? {
        guard outcome.outcome == .ok, ageSeconds <= Double(maxAge) else { return nil }
        var cached = outcome
        cached.source = .cached
        cached.sourceRun = outcome.source == .cached ? outcome.sourceRun : run
        cached.fetchedAt = fetchedAt
        cached.elapsedMilliseconds = nil
        return cached
    }

    /// The validators to ask the page's server whether it changed: only for
    /// a page that was ok (a dead one is always fetched again), and only
    /// values that cannot break a header line.
    public var validators: (etag: String?, lastModified: String?)? {
        func usable(_ value: String?) -> String? {
            value.flatMap { $0.isEmpty || $0.contains(where: \.isNewline) ? nil : $0 }
        }
        let etag = usable(outcome.etag)
        let lastModified = usable(outcome.lastModified)
        guard outcome.outcome == .ok, etag != nil || lastModified != nil else { return nil }
        return (etag, lastModified)
    }
}

/// A link an earlier run recorded on a page: its target as resolved then.
public struct PreviousLink: Hashable, Sendable, RowDecodable {
    public let url: String
    public let element: String
    public let attribute: String
    public let fragment: String?
    public let line: Int

    public init(row: Row) throws {
        url = try row["url"]
        element = try row["element"]
        attribute = try row["attribute"]
        fragment = try row["fragment"]
        line = try row["line"] as Int? ?? 0
    }

    /// The link as a page would write it: its URL and `#fragment`.
    public var reference: String { fragment.map { url + "#" + $0 } ?? url }
}
