import LogbookStore

/// What a crawl did, counted from the database. It holds counts only, so it
/// is as small for a million dead links as for one; the links themselves
/// are read with `CrawlFindings`.
public struct CrawlSummary: Sendable {
    public let runID: Int64
    /// False when it was stopped (Ctrl-C) before the frontier emptied.
    public let completed: Bool
    /// Whether links to a `#fragment` were checked (--check-fragments): only
    /// then are broken fragments findings.
    public let checkFragments: Bool
    public let urls: Int, pages: Int, ok: Int, notChecked: Int, redirectsNotFollowed: Int
    /// Dead URLs, each counted once.
    public let deadURLs: Int
    /// Links to a `#fragment` the page does not have (0 without --check-fragments).
    public let brokenFragments: Int
    public let seconds: Double

    /// True when any link is dead or names a missing fragment.
    public var hasFindings: Bool { deadURLs > 0 || brokenFragments > 0 }

    /// The one line `logbook runs` shows.
    public var line: String {
        "\(pages) pages, \(urls) URLs, \(deadURLs) dead"
            + (brokenFragments == 0 ? "" : ", \(brokenFragments) broken fragments")
            + (completed ? "" : ", interrupted")
    }
}

extension CrawlSummary {
    /// Counts run `runID` of the database at `path`, in one snapshot. The
    /// rows are counted by SQLite as it steps over them, in flat memory.
    init(runID: Int64, completed: Bool, path: String, checkFragments: Bool, seconds: Double) throws {
        let database = try Connection(path: path, mode: .readOnly)
        self = try database.snapshot {
            let totals = try database.prepare("""
                SELECT urls, pages, ok, not_checked, redirects_not_followed, dead FROM crawl_summary WHERE run_id = ?
                """)
            try totals.bind(runID)
            let counted = try totals.step()
            func total(_ column: Int) -> Int { counted ? Int(totals.int64(column)) : 0 }
            func rows(of view: String) throws -> Int {
                let count = try database.prepare("SELECT count(*) FROM \(view) WHERE run_id = ?")
                try count.bind(runID)
                try count.step()
                return Int(count.int64(0))
            }
            return CrawlSummary(runID: runID, completed: completed, checkFragments: checkFragments, urls: total(0),
                                pages: total(1), ok: total(2), notChecked: total(3), redirectsNotFollowed: total(4),
                                deadURLs: total(5),
                                brokenFragments: checkFragments ? try rows(of: "broken_fragments") : 0, seconds: seconds)
        }
    }
}
