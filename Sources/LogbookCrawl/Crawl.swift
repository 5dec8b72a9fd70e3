public import CrawlSchema
import Foundation
import LogbookHTML
public import LogbookStore
import Synchronization

/// Why a crawl could not start or go on.
public struct CrawlError: LogbookError, Sendable {
    public struct Code: Hashable, Sendable {
        let name: String
        /// A flag or the start URL is unusable.
        public static let options = Code(name: "options")
        /// The run cannot be resumed.
        public static let resume = Code(name: "resume")
        /// A sitemap cannot be fetched (one that is not a sitemap is `options`).
        public static let sitemap = Code(name: "sitemap")
    }

    public let code: Code
    public let message: String
    public var description: String { message }
    public var category: ErrorCategory { code == .options ? .usage : .failure }

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Progress for a live display.
public struct CrawlProgress: Sendable {
    public let done: Int, dead: Int
    public let pagesPerSecond: Double
    public let seconds: Double
}

/// How a crawl reports progress and learns it should stop.
public struct CrawlHooks {
    public var shouldStop: () -> Bool
    public var progress: (CrawlProgress) -> Void

    public init(shouldStop: @escaping () -> Bool = { false }, progress: @escaping (CrawlProgress) -> Void = { _ in }) {
        self.shouldStop = shouldStop
        self.progress = progress
    }
}

@available(*, unavailable)
extension CrawlHooks: Sendable {}

/// Crawls a site for dead links, recording every URL, outcome and link.
public enum Crawl: Sendable {
    /// Recorder settings for a crawl: a page's record can hold thousands of
    /// links, so fewer may wait in the channel than the default allows. A
    /// commit writes every page it changed to the log once, and links land
    /// on pages of the `links_to` index all over the file: a batch a second
    /// long writes each such page once a second rather than ten times.
    /// A 16 MB page cache keeps the pages those inserts touch in memory
    /// (the writer used a third more CPU with SQLite's 2 MB on a crawl of a
    /// million links, and no less with 32 MB).
    ///
    /// On PostgreSQL a batch lasts 100 ms: the URLs a page discovers can be
    /// claimed by other processes only once committed, and a crawl goes
    /// no faster than its pages' links become visible.
    public static func recorderOptions(for database: String) -> Recorder.Options {
        Recorder.Options(
            batchInterval: DatabaseLocation.isPostgres(database) ? .milliseconds(100) : .seconds(1), capacity: 256,
            pageCacheBytes: 16 << 20)
    }

    /// Checks `config` and reads its start URLs: `config.start`, then
    /// `config.moreStarts`, `listed` and what `config.sitemaps` list (fetched
    /// now, so a sitemap that cannot be read starts no run), normalised. The
    /// first start URL is `start`; every start URL's origin is of the site
    /// (`origins`). A `user:password@` in the first is taken out and returned
    /// as the credentials (instead of `credentials`), so it is never
    /// recorded; they go to its origin only, so any other start URL with
    /// them is refused.
    public static func prepare(
        _ config: CrawlConfig, listed: [ListedURL] = [], credentials: Credentials? = nil
    ) throws -> PreparedCrawl {
        var config = config
        if let folder = config.folder {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CrawlError(.options, "\(folder) is not a folder")
            }
            // The folder's root is a folder: its URL ends in "/".
            if !config.start.hasSuffix("/"), !config.start.contains("?") { config.start += "/" }
        }
        if config.workers < 1 { throw CrawlError(.options, "--workers must be 1 or more, not \(config.workers)") }
        if config.perHost < 1 { throw CrawlError(.options, "--per-host must be 1 or more, not \(config.perHost)") }
        if config.retries < 0 { throw CrawlError(.options, "--retries must be 0 or more, not \(config.retries)") }
        for pattern in config.include + config.exclude + config.remap.map(\.pattern) {
            do { _ = try Regex(pattern) } catch {
                throw CrawlError(.options, "\"\(pattern)\" is not a regular expression: \(error)")
            }
        }
        var starts = StartURLs(maxURLLength: config.maxURLLength)
        var notes: [String] = []
        var credentials = credentials
        if !config.start.isEmpty {
            let (start, inURL) = URLResolver.removingCredentials(from: config.start)
            credentials = inURL ?? credentials
            _ = try starts.add(start, shown: Credentials.redacting(config.start))
        }
        config.moreStarts = try config.moreStarts.map { try $0.map { try starts.add($0) } }
        for url in listed { _ = try starts.add(url.url, from: url.source) }
        if let sitemaps = config.sitemaps {
            // Credentials go to the first start URL's origin, sitemaps there included.
            let origin = starts.seeds.first.flatMap { URLResolver.origin(of: $0.url) }
            var reader = SitemapReader(limits: config.limits) { url in
                origin != nil && URLResolver.origin(of: url) == origin ? credentials : nil
            }
            for sitemap in sitemaps {
                let url = try StartURLs.checked(sitemap, from: "--sitemap", maxURLLength: config.maxURLLength).url
                try reader.read(url) { location, listing in _ = try starts.add(location, from: "sitemap \(listing)") }
            }
            if let (location, sitemap) = reader.firstLeftOut {
                notes.append(
                    """
                    left out \(reader.leftOut) sitemap location\(reader.leftOut == 1 ? "" : "s") on another origin \
                    than their sitemap's (a sitemap lists its own site only): the first, \(location), in \(sitemap)
                    """)
            }
        }
        guard let first = starts.seeds.first else { throw CrawlError(.options, noStartURL(config)) }
        config.start = first.url
        if config.folder != nil {
            // The folder is the site at the base URL's path; other URLs of its host are the deployed site's,
            // checked over HTTP.
            config.scope =
                config.scope ?? URLResolver.origin(of: config.start).map { String(config.start.dropFirst($0.count)) }
        }
        config.origins = starts.origins.count > 1 ? Array(starts.origins.dropFirst()) : nil
        config.usesCredentials = credentials == nil ? nil : true
        return PreparedCrawl(config: config, credentials: credentials, seeds: starts.seeds, notes: notes)
    }

    /// Why `config` gives no start URL: the list or sitemaps it names are
    /// empty, or it names none.
    private static func noStartURL(_ config: CrawlConfig) -> String {
        var empty = config.urlsFrom.map { ["--urls-from \(ListedURL.name(of: $0)) holds no URL"] } ?? []
        empty += (config.sitemaps ?? []).map { "--sitemap \($0) lists no page (nor do the sitemaps it lists)" }
        let why = empty.isEmpty ? "give one or more, --urls-from or --sitemap" : empty.joined(separator: "; ")
        return "there is no start URL: \(why)"
    }

    /// Records a new crawl of `config`'s start URLs through `recorder`,
    /// sending `credentials` (or those in the start URL) to the start URL's origin.
    public static func start(
        _ config: CrawlConfig, credentials: Credentials? = nil, recorder: Recorder,
        hooks: CrawlHooks = CrawlHooks(), lease: Duration = CrawlMember.defaultLease
    ) throws -> CrawlSummary {
        try start(try prepare(config, credentials: credentials), recorder: recorder, hooks: hooks, lease: lease)
    }

    /// Records a crawl `prepare` made ready: its run and start URLs are
    /// committed together (`StartCrawl`), then it crawls.
    /// On PostgreSQL the run is shared: other processes may `join` it, and
    /// this one's claims last `lease` without news from it.
    public static func start(
        _ crawl: PreparedCrawl, recorder: Recorder, hooks: CrawlHooks = CrawlHooks(),
        lease: Duration = CrawlMember.defaultLease
    ) throws -> CrawlSummary {
        let runID = try recorder.ask(StartCrawl(settings: crawl.config, seeds: crawl.seeds))
        try recorder.flush()
        return try run(runID, first: [], crawl.config, crawl.credentials, recorder, hooks, member(recorder, lease))
    }

    /// Adds this process's workers to crawl `runID`, which other processes
    /// share through `recorder`'s PostgreSQL database: it claims URLs
    /// beside them and ends when the whole crawl does. A crawl made with
    /// credentials needs them again, as for `resume`.
    public static func join(
        _ runID: Int64, credentials: Credentials? = nil, recorder: Recorder, hooks: CrawlHooks = CrawlHooks(),
        lease: Duration = CrawlMember.defaultLease
    ) throws -> CrawlSummary {
        guard let member = member(recorder, lease) else {
            throw CrawlError(
                .options,
                """
                \(recorder.path) is an SQLite file, which one process crawls: join needs a crawl shared through \
                PostgreSQL (--db postgres://…); to continue a crawl of this file, use resume
                """)
        }
        let config = try savedConfig(of: try recorder.claim(runID, kind: .crawl, joining: true), credentials, recorder)
        return try run(
            runID, first: [], config, config.usesCredentials == true ? credentials : nil, recorder, hooks, member)
    }

    /// This process as a member of a shared crawl, when `recorder` writes to PostgreSQL.
    private static func member(_ recorder: Recorder, _ lease: Duration) -> CrawlMember? {
        DatabaseLocation.isPostgres(recorder.path) ? CrawlMember(lease: lease) : nil
    }

    /// Puts the start URL of `config` (as `prepare` normalised it) in run
    /// `runID`'s frontier, unless it is there already.
    private static func seed(_ runID: Int64, _ config: CrawlConfig) throws -> SeedCrawl {
        guard case .web(let url, let host, _) = URLResolver.resolve(config.start, against: config.start) else {
            throw CrawlError(.options, "\(Credentials.redacting(config.start)) is not an http or https URL")
        }
        return SeedCrawl(
            runID: runID, seeds: [SeedCrawl.Seed(url: url, host: host)], maxPages: config.maxPages,
            maxURLs: config.maxURLs)
    }

    /// Continues crawl `runID` of `recorder`'s database with its recorded
    /// settings: URLs a killed run left `fetching` are fetched again, and
    /// the start URL is seeded again (`SeedCrawl` ignores a URL the run has):
    /// a run made before start URLs were committed with the run's row
    /// (`StartCrawl`) that failed on a full disk before its seed was
    /// committed has an empty frontier, which would read as a completed
    /// crawl of nothing. Lists and sitemaps are not read again: their start
    /// URLs were committed with the run. The run is claimed first (`Recorder.claim`): a run another live process is
    /// writing is refused. A crawl made with credentials needs them again
    /// (they were never recorded).
    /// On PostgreSQL, URLs other processes left `fetching` are taken again
    /// once their leases end, not at once: their holders may be alive.
    public static func resume(
        _ runID: Int64, credentials: Credentials? = nil, recorder: Recorder,
        hooks: CrawlHooks = CrawlHooks(), lease: Duration = CrawlMember.defaultLease
    ) throws -> CrawlSummary {
        let config = try savedConfig(of: try recorder.claim(runID, kind: .crawl), credentials, recorder)
        let member = member(recorder, lease)
        let requeue: [any Record] = member == nil ? [RequeueFetching(runID: runID)] : []
        return try run(
            runID, first: [try seed(runID, config)] + requeue, config,
            config.usesCredentials == true ? credentials : nil, recorder, hooks, member)
    }

    /// The settings `run` was recorded with, and credentials when it needs
    /// them; otherwise the run is marked interrupted again, and why is thrown.
    private static func savedConfig(
        of run: RunInfo, _ credentials: Credentials?, _ recorder: Recorder
    ) throws -> CrawlConfig {
        let config: CrawlConfig
        do {
            config = try run.crawlConfig()
        } catch {
            try recorder.send(UpdateRun(id: run.id, status: .interrupted))
            throw CrawlError(.resume, "\(recorder.path): \(error); it cannot be resumed")
        }
        if config.usesCredentials == true, credentials == nil {
            try recorder.send(UpdateRun(id: run.id, status: .interrupted))
            throw CrawlError(
                .options,
                """
                crawl \(run.id) of \(recorder.path) was made with credentials, which are never recorded: give them \
                again as LOGBOOK_CREDENTIALS=user:password
                """)
        }
        return config
    }

    /// Records `first` (what sets up the frontier), then crawls until the
    /// frontier is empty or a stop is asked; a run that fails is marked
    /// failed, even when what failed is the database, `first`'s batch too.
    ///
    /// A member of a shared crawl that fails leaves it (`LeaveCrawl`): the
    /// run is marked failed only when no other process still crawls it.
    private static func run(
        _ runID: Int64, first: [any Record], _ config: CrawlConfig, _ credentials: Credentials?,
        _ recorder: Recorder, _ hooks: CrawlHooks, _ member: CrawlMember?
    ) throws -> CrawlSummary {
        let mark: @Sendable (any Error) -> any Record =
            if let member {
                { LeaveCrawl(runID: runID, member: member, status: .failed, summary: "failed: \($0)") }
            } else {
                { UpdateRun(id: runID, status: .failed, summary: "failed: \($0)") }
            }
        return try recorder.markingFailure(with: mark) {
            if let member { try recorder.send(JoinCrawl(runID: runID, member: member)) }
            for record in first { try recorder.send(record) }
            return try crawl(runID, config, credentials, recorder, hooks, member)
        }
    }

    private static func crawl(
        _ runID: Int64, _ config: CrawlConfig, _ credentials: Credentials?, _ recorder: Recorder,
        _ hooks: CrawlHooks, _ member: CrawlMember?
    ) throws -> CrawlSummary {
        let started = ContinuousClock.now
        let frontier = Frontier(
            recorder: recorder, runID: runID, batch: max(16, config.workers * 4), member: member)
        let site = Site(config: config, credentials: credentials, share: FetchShare())
        let counters = CrawlCounters()
        let failure = Mutex<(any Error)?>(nil)
        let finished = DispatchGroup()
        for _ in 0..<config.workers {
            finished.enter()
            Thread {
                do {
                    try CrawlWorker(site: site, runID: runID, recorder: recorder, member: member).work(
                        frontier: frontier, counters: counters)
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                    frontier.stop()
                }
                finished.leave()
            }.start()
        }
        var renewed = ContinuousClock.now
        while finished.wait(timeout: .now() + 0.25) == .timedOut {
            if hooks.shouldStop() { frontier.stop() }
            hooks.progress(counters.progress(since: started))
            if let member, ContinuousClock.now - renewed > member.lease / 3 {
                try recorder.send(RenewLeases(runID: runID, member: member))
                renewed = .now
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        try recorder.flush()
        let elapsed = ContinuousClock.now - started
        let summary = try CrawlSummary(
            runID: runID, completed: frontier.isComplete, path: recorder.path,
            checkFragments: config.checkFragments,
            seconds: elapsed.inSeconds)
        let status: RunStatus = summary.completed ? .completed : .interrupted
        if let member {
            try recorder.send(LeaveCrawl(runID: runID, member: member, status: status, summary: summary.line))
        } else {
            try recorder.send(UpdateRun(id: runID, status: status, summary: summary.line))
        }
        try recorder.flush()
        return summary
    }
}

/// URLs done and dead so far, counted by the workers for progress.
final class CrawlCounters: Sendable {
    let done = Atomic<Int>(0)
    let dead = Atomic<Int>(0)

    func count(dead isDead: Bool) {
        done.add(1, ordering: .relaxed)
        if isDead { dead.add(1, ordering: .relaxed) }
    }

    func progress(since start: ContinuousClock.Instant) -> CrawlProgress {
        let elapsed = ContinuousClock.now - start
        let seconds = max(elapsed.inSeconds, 1e-9)
        let done = done.load(ordering: .relaxed)
        return CrawlProgress(
            done: done, dead: dead.load(ordering: .relaxed), pagesPerSecond: Double(done) / seconds,
            seconds: seconds)
    }
}
