import Foundation
public import LogbookStore

/// The outcome of one URL, as `fetches` holds it.
public struct Outcome: Sendable {
    public enum Class: String, Sendable, CaseIterable, Encodable, SQLBindable, SQLColumnValue {
        case ok, redirect, dead, error, skipped, excluded, robots

        /// A URL is dead when its fetch found it missing or failed: the one
        /// rule `crawl`, `diff`, `report` and `plot` count by (the views
        /// `dead_links` and `crawl_summary` state it in their migration).
        public var isDead: Bool { self == .dead || self == .error }

        /// `isDead` in SQL, over the outcome column `column`: "f.outcome IN ('dead', 'error')".
        static func isDeadSQL(_ column: String) -> String {
            "\(column) IN (" + allCases.filter(\.isDead).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
        }
    }

    public var outcome: Class
    public var status: Int?
    public var error: String?
    public var contentType: String?
    public var bytes: Int?
    public var elapsedMilliseconds: Double?
    public var finalURL: String?
    public var redirects: [String]
    /// The response's validators, which a later `--reuse` crawl sends back
    /// to ask whether the page changed.
    public var etag: String?
    public var lastModified: String?
    /// Whether this run fetched the URL or took its outcome from an earlier run.
    public var source: Source = .fetched
    /// The run the outcome (cached) or links (revalidated) were taken from.
    public var sourceRun: Int64?
    /// When the outcome was really fetched (ISO 8601, UTC), for a cached
    /// one; nil: now.
    public var fetchedAt: String?

    /// Where an outcome came from (`fetches.source`).
    public enum Source: String, Sendable, CaseIterable, SQLBindable, SQLColumnValue {
        /// Requested by this run.
        case fetched
        /// Requested with the earlier run's validators, answered 304 Not
        /// Modified: that run's links for the page were reused.
        case revalidated
        /// Not requested: an earlier run found it ok within `--max-age`.
        case cached
    }

    public init(
        outcome: Class, status: Int? = nil, error: String? = nil, contentType: String? = nil, bytes: Int? = nil,
        elapsedMilliseconds: Double? = nil, finalURL: String? = nil, redirects: [String] = []
    ) {
        self.outcome = outcome
        self.status = status
        self.error = error
        self.contentType = contentType
        self.bytes = bytes
        self.elapsedMilliseconds = elapsedMilliseconds
        self.finalURL = finalURL
        self.redirects = redirects
    }

    /// The redirect chain as a JSON array.
    private static func json(_ chain: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(chain), as: UTF8.self)
    }

    func write(urlID: Int64, runID: Int64, to database: Connection) throws {
        let insert = try database.cached(
            """
            INSERT INTO fetches
                (url_id, run_id, status, outcome, error, content_type, bytes, elapsed_ms, final_url, redirects,
                 etag, last_modified, source, source_run, fetched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
            ON CONFLICT (url_id) DO UPDATE SET
                run_id = excluded.run_id, status = excluded.status, outcome = excluded.outcome,
                error = excluded.error, content_type = excluded.content_type, bytes = excluded.bytes,
                elapsed_ms = excluded.elapsed_ms, final_url = excluded.final_url, redirects = excluded.redirects,
                etag = excluded.etag, last_modified = excluded.last_modified, source = excluded.source,
                source_run = excluded.source_run, fetched_at = excluded.fetched_at
            """)
        try insert.bind(
            urlID, runID, status, outcome, error, contentType, bytes, elapsedMilliseconds, finalURL,
            redirects.isEmpty ? nil : try Self.json(redirects), etag, lastModified, source, sourceRun, fetchedAt)
        try insert.run()
    }
}

/// A URL's outcome as read back: what `diff` compares and prints.
public struct RecordedOutcome: Hashable, Sendable, Encodable {
    public let outcome: Outcome.Class
    public let status: Int?
    public let error: String?

    public init(outcome: Outcome.Class, status: Int?, error: String?) {
        self.outcome = outcome
        self.status = status
        self.error = error
    }

    public var isDead: Bool { outcome.isDead }
}

extension RecordedOutcome: CustomStringConvertible {
    /// "dead 404", "error (Could not resolve host)", "ok 200".
    public var description: String {
        var text = outcome.rawValue
        if let status { text += " \(status)" }
        if let error, outcome != .ok, error != "HTTP \(status ?? 0)" { text += " (\(error))" }
        return text
    }
}
