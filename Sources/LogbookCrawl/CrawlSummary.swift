public import CrawlSchema
import Foundation
public import LogbookStore

/// What a crawl did, counted from the database. It holds counts only, so it
/// is as small for a million dead links as for one; the links themselves
/// are read with `forEachFinding`.
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
    /// Outcomes taken from an earlier run (`--reuse`) rather than fetched in full.
    public let reused: Int
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
            brokenFragments: brokenFragments, reused: counts.reused, seconds: seconds)
    }
}

extension CrawlSummary {
    /// The summary of crawl `run`, as recorded in the database at `path`:
    /// what `logbook links` prints again. Its seconds are from the run's
    /// start to its end (or to now, for a run not finished).
    public init(recorded run: RunInfo, path: String) throws {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let started = format.date(from: run.startedAt)
        let finished = run.finishedAt.flatMap(format.date) ?? Date()
        try self.init(
            runID: run.id, completed: run.status == .completed, path: path,
            checkFragments: try run.crawlConfig().checkFragments,
            seconds: started.map { finished.timeIntervalSince($0) } ?? 0)
    }
}

extension CrawlSummary {
    /// Calls `body` with each finding of `kinds` of this run in `database`
    /// (a read-only connection will do), as `RecordedCrawl.forEachFinding`.
    public func forEachFinding(
        in database: Connection, _ kinds: Set<CrawlFinding.Kind> = Set(CrawlFinding.Kind.allCases),
        _ body: (CrawlFinding) throws -> Void
    ) throws {
        try RecordedCrawl(database, run: runID).forEachFinding(kinds, checkFragments: checkFragments, body)
    }
}
