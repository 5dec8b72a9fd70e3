public import CrawlSchema
public import LogbookStore

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
        let crawl = RecordedCrawl(database, run: runID)
        let (counts, brokenFragments) = try database.snapshot {
            (try crawl.counts(), checkFragments ? try crawl.brokenFragmentCount() : 0)
        }
        self.init(
            runID: runID, completed: completed, checkFragments: checkFragments, urls: counts.urls,
            pages: counts.pages, ok: counts.ok, notChecked: counts.notChecked,
            redirectsNotFollowed: counts.redirectsNotFollowed, deadURLs: counts.dead,
            brokenFragments: brokenFragments, seconds: seconds)
    }
}

extension CrawlFindings {
    /// The findings of `summary`'s run.
    public init(of summary: CrawlSummary, database: Connection) {
        self.init(runID: summary.runID, checkFragments: summary.checkFragments, database: database)
    }
}
