import CrawlSchema
import LogbookCrawl
import LogbookStore
import LogbookTestSupport

/// Crawls `start` in-process into a fresh database.
func crawl(
    _ start: String, in folder: TemporaryDirectory,
    _ configure: (inout CrawlConfig) -> Void = { _ in }
) throws -> (path: String, summary: CrawlSummary) {
    var config = CrawlConfig(start: start)
    // Long enough that no page times out on a loaded machine (or under
    // ThreadSanitizer); `/slow` answers well after it.
    config.limits.timeoutMilliseconds = 5000
    config.limits.maxBytes = 1 << 20
    config.retries = 1
    config.retryDelayMilliseconds = 50
    configure(&config)
    let recorder = try Recorder(path: folder.database)
    let summary = try Crawl.start(config, recorder: recorder)
    try recorder.close()
    return (folder.database, summary)
}

/// `summary`'s findings of `kind` in the database at `path`, read as the
/// CLI reads them.
func findings(_ kind: CrawlFinding.Kind, of summary: CrawlSummary, in path: String) throws -> [CrawlFinding] {
    var found: [CrawlFinding] = []
    try summary.forEachFinding(in: Connection(path: path, mode: .readOnly), [kind]) {
        found.append($0)
    }
    return found
}
