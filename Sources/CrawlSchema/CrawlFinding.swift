public import LogbookStore

/// A dead link, or a link to a `#fragment` its page does not have, and the
/// page that links to it.
public struct CrawlFinding: Hashable, Sendable {
    public enum Kind: Hashable, Sendable, CaseIterable {
        /// A link to a URL whose fetch failed: a row of the `dead_links` view.
        case deadLink
        /// A link to a fetched page of the site without that id or a[name]:
        /// a row of the `broken_fragments` view.
        case brokenFragment
    }

    public let kind: Kind
    /// The URL linked to; for a broken fragment, with its `#fragment`.
    public let url: String
    /// The HTTP status, when there was a response.
    public let status: Int?
    /// Why it is a finding, in words, when there is more to say than a status.
    public let error: String?
    /// The page linking to it; nil for a dead start URL, which no page links to.
    public let foundOn: String?
    /// The line of the link in `foundOn`.
    public let line: Int?

    /// For findings that are not read from a run's views: a diff's newly dead links.
    public init(kind: Kind, url: String, status: Int?, error: String?, foundOn: String?, line: Int?) {
        self.kind = kind
        self.url = url
        self.status = status
        self.error = error
        self.foundOn = foundOn
        self.line = line
    }

    /// A broken fragment's `error`.
    public static let missingFragment = "no such id or a[name]"
}

extension RecordedCrawl {
    /// Calls `body` with each finding of `kinds`, read from the database while
    /// they are visited: a run with a million dead links is printed in the
    /// memory one takes. All are read by one statement (one snapshot of the
    /// file); SQLite sorts them, spilling to temporary files beyond its cache.
    /// An error `body` throws stops the reading and is rethrown.
    ///
    /// The order is the report's: by referring page (the start URL, which no
    /// page links to, first), then a page's dead links before its broken
    /// fragments, each by line, then URL. Pages compare as SQLite's BINARY
    /// collation compares them (UTF-8 bytes). Broken fragments are findings
    /// only in runs made with `checkFragments`, as the run was made.
    public func forEachFinding(
        _ kinds: Set<CrawlFinding.Kind> = Set(CrawlFinding.Kind.allCases), checkFragments: Bool,
        _ body: (CrawlFinding) throws -> Void
    ) throws {
        // One statement for both kinds, so the two are ordered together; a
        // kind left out costs nothing, its constant WHERE is false before any
        // row is read.
        let rows = try database.prepare(
            """
            SELECT found_on, 0 AS kind, line, url, status, error FROM dead_links WHERE run_id = ?1 AND ?2
            UNION ALL
            SELECT found_on, 1, line, url || '#' || fragment, NULL, ?4
            FROM broken_fragments WHERE run_id = ?1 AND ?3
            ORDER BY found_on, kind, line, url
            """)
        try rows.bind(
            runID, kinds.contains(.deadLink), checkFragments && kinds.contains(.brokenFragment),
            CrawlFinding.missingFragment)
        while let finding = try rows.next(CrawlFinding.self) { try body(finding) }
    }
}

extension CrawlFinding: RowDecodable {
    public init(row: Row) throws {
        kind = try row["kind"] as Int == 0 ? .deadLink : .brokenFragment
        url = try row["url"]
        status = try row["status"]
        error = try row["error"]
        foundOn = try row["found_on"]
        line = try row["line"]
    }
}
