import LogbookStore

/// How many URLs of a run are fetched or checked: every URL recorded but
/// those excluded or skipped, which are never requested. What `--max-urls`
/// bounds.
///
/// SQLite counts them once per run on the writer's connection; the records
/// that add URLs (`SeedCrawl`, `PageDone`) count on from there, so a page
/// costs no scan. Kept as a `Connection.memo`, which a rollback drops, so
/// the count never holds rows a rollback removed; a resumed run is counted
/// again, so the bound holds across kills and resumes.
final class RequestedURLs {
    private var runID: Int64?
    private(set) var count = 0

    /// The count for run `runID`, counted by SQLite when the last one asked for was another run's.
    static func of(run runID: Int64, on database: Connection) throws -> RequestedURLs {
        let memo = database.memo { RequestedURLs() }
        if memo.runID != runID {
            let count = try database.cached(
                """
                SELECT count(*) FROM urls AS u
                WHERE u.run_id = ?
                  AND NOT EXISTS (SELECT 1 FROM fetches AS f WHERE f.url_id = u.id AND f.outcome IN ('excluded', 'skipped'))
                """)
            memo.count = try count.bound(runID).scalar(Int.self) ?? 0
            memo.runID = runID
        }
        return memo
    }

    /// Counts a URL just recorded queued (nil) or settled with `outcome`.
    func add(settled outcome: Outcome?) {
        if let outcome, outcome.outcome == .excluded || outcome.outcome == .skipped { return }
        count += 1
    }
}
