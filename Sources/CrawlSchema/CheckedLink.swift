public import LogbookStore

/// A link as a page has it, with the outcome of the URL it links to: the
/// unit a JUnit report counts as a test (every link checked, not only the
/// dead ones).
public struct CheckedLink: Hashable, Sendable {
    /// The page linking; nil for a URL no page links to (the start URL).
    public let page: String?
    /// The line of the link in `page`.
    public let line: Int?
    /// The URL linked to, without its fragment.
    public let url: String
    /// The `#part` of the link, when it has one.
    public let fragment: String?
    /// Nil while the URL is queued or being fetched (an interrupted run).
    public let outcome: RecordedOutcome?
    /// The link is a row of `broken_fragments`: its page has no such id or a[name].
    public let isBrokenFragment: Bool

    /// The link as written, with its fragment.
    public var target: String { fragment.map { $0.isEmpty ? url : "\(url)#\($0)" } ?? url }

    /// The finding this link is, if it is one: a dead link, or a broken fragment.
    public var finding: CrawlFinding? {
        if let outcome, outcome.isDead {
            return CrawlFinding(
                kind: .deadLink, url: url, status: outcome.status, error: outcome.error, foundOn: page, line: line)
        }
        guard isBrokenFragment else { return nil }
        return CrawlFinding(
            kind: .brokenFragment, url: target, status: nil, error: CrawlFinding.missingFragment, foundOn: page,
            line: line)
    }
}

extension CheckedLink: RowDecodable {
    public init(row: Row) throws {
        page = try row["page"]
        line = try row["line"]
        url = try row["url"]
        fragment = try row["fragment"]
        outcome = try (row["outcome"] as Outcome.Class?).map {
            RecordedOutcome(outcome: $0, status: try row["status"], error: try row["error"])
        }
        isBrokenFragment = try row["broken_fragment"]
    }
}

extension RecordedCrawl {
    /// Calls `body` with every link of the run, read from the database while
    /// they are visited (one statement, one snapshot; SQLite sorts them,
    /// spilling to temporary files beyond its cache), so a run of a million
    /// links takes the memory one does. A dead link here is a row of
    /// `dead_links` and a broken fragment one of `broken_fragments` (with
    /// `checkFragments`, as the run was made): the same rows the findings are.
    ///
    /// By page as `forEachFinding` orders them (URLs no page links to, such
    /// as the start URL, first, with a nil page), then by line, URL and
    /// fragment (a page's findings, there, put dead links first).
    public func forEachCheckedLink(checkFragments: Bool, _ body: (CheckedLink) throws -> Void) throws {
        let rows = try database.prepare(
            """
            SELECT p.url AS page, l.line AS line, t.url AS url, l.fragment AS fragment, f.outcome, f.status, f.error,
                   b.url IS NOT NULL AS broken_fragment
            FROM urls AS p JOIN links AS l ON l.from_url_id = p.id JOIN urls AS t ON t.id = l.to_url_id
            LEFT JOIN fetches AS f ON f.url_id = t.id
            LEFT JOIN (SELECT DISTINCT url, fragment, found_on, line FROM broken_fragments WHERE run_id = ?1 AND ?2) AS b
              ON b.found_on = p.url AND b.url = t.url AND b.fragment = l.fragment AND b.line IS l.line
            WHERE p.run_id = ?1
            UNION ALL
            SELECT NULL, NULL, u.url, NULL, f.outcome, f.status, f.error, 0
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id
            WHERE u.run_id = ?1 AND NOT EXISTS (SELECT 1 FROM links AS l WHERE l.to_url_id = u.id)
            ORDER BY page, line, url, fragment
            """)
        try rows.bind(runID, checkFragments)
        while let link = try rows.next(CheckedLink.self) { try body(link) }
    }
}
