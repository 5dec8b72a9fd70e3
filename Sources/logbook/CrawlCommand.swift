import ArgumentParser
import Foundation
import LogbookCrawl
import LogbookStore

struct CrawlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl a site for dead links, recording every URL, outcome and link.",
        discussion: """
            Fetches every page of the start URL's site (same scheme, host and port; under --scope \
            when given), follows links between them, and checks links to other sites (HEAD, then \
            GET when HEAD is refused) without following them. Only http and https are fetched, \
            for requests and for redirects. Exit code 1 when any link is dead. Ctrl-C stops, \
            and `logbook resume` continues.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The start URL.") var url: String
    @Option(help: "Only follow pages whose path starts with this prefix, e.g. /docs/.") var scope: String?
    @Option(help: "Worker threads.", allowed: 1...1024) var workers = 8
    @Flag(help: "Do not check links to other sites.") var noExternal = false
    @Option(help: "Seconds per request.", allowed: 0.001...86_400) var timeout = 15.0
    @Option(help: "Largest response, in bytes.", allowed: 1...Int.max) var maxBytes = 10 << 20
    @Option(help: "Redirects followed per request.", allowed: 0...1000) var maxRedirects = 10
    @Option(help: "Longest URL checked.", allowed: 1...8_000_000) var maxURLLength = 2048
    @Option(help: "Follow pages at most this many links from the start.", allowed: 0...Int.max) var maxDepth: Int?
    @Option(help: "Fetch at most this many pages of the site.", allowed: 1...Int.max) var maxPages: Int?
    @Option(help: "Requests at once to one host.", allowed: 1...1024) var perHost = 4
    @Option(help: "Milliseconds between requests to one host.", allowed: 0...3_600_000) var delay = 0
    @Option(help: "Tries again after timeouts, resets and 5xx, with backoff.", allowed: 0...20) var retries = 2
    @Option(help: "Milliseconds before the first retry (doubling after).", allowed: 0...60_000) var retryDelay = 500
    @Flag(help: "Do not obey the site's robots.txt.") var ignoreRobots = false
    @Flag(help: "Check that #fragment links to pages of the site name an id or a[name] there.") var checkFragments = false
    @Option(help: "Only check URLs matching this regular expression (repeatable).") var include: [String] = []
    @Option(help: "Do not check URLs matching this regular expression (repeatable).") var exclude: [String] = []
    @Option(help: "User-Agent header.") var userAgent = FetchLimits().userAgent
    @Option(help: "Extra request header, \"Name: value\" (repeatable).") var header: [String] = []
    @Option(help: "CA bundle to trust.") var cacert: String?
    @Flag(help: "Do not verify TLS certificates.") var insecure = false
    @Option(help: "Summary as text or json.") var format: Format = .text
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        var config = CrawlConfig(start: url)
        config.scope = scope
        config.workers = workers
        config.checkExternal = !noExternal
        config.limits.timeoutMilliseconds = Int((timeout * 1000).rounded())
        config.limits.maxBytes = maxBytes
        config.limits.maxRedirects = maxRedirects
        config.limits.userAgent = userAgent
        config.limits.headers = header
        config.limits.caBundle = cacert
        config.limits.insecure = insecure
        config.maxURLLength = maxURLLength
        config.maxDepth = maxDepth
        config.maxPages = maxPages
        config.perHost = perHost
        config.delayMilliseconds = delay
        config.retries = retries
        config.retryDelayMilliseconds = retryDelay
        config.obeyRobots = !ignoreRobots
        config.checkFragments = checkFragments
        config.include = include
        config.exclude = exclude
        let (prepared, credentials) = try Crawl.prepare(config, credentials: .fromEnvironment)

        let recorder = try Recorder(path: database.path, options: Crawl.recorderOptions)
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Crawl.start(prepared, credentials: credentials, recorder: recorder,
                            hooks: CrawlHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }))
        }
        try report(summary, format: format, database: database.path)
    }
}

extension Credentials {
    /// `LOGBOOK_CREDENTIALS=user:password`: for `resume`, which needs them
    /// again, and for a crawl whose start URL should not show them to `ps`.
    static var fromEnvironment: Credentials? {
        ProcessInfo.processInfo.environment["LOGBOOK_CREDENTIALS"].flatMap(Credentials.init)
    }
}

extension CrawlProgress {
    var line: String {
        String(format: "%d URLs done  %d dead  %.1f URLs/s  %.0f s", done, dead, pagesPerSecond, seconds)
    }
}

/// Prints dead links grouped by the page linking to them, then counts; the
/// exit code says whether any link is dead.
func report(_ summary: CrawlSummary, format: CrawlCommand.Format, database: String) throws {
    switch format {
    case .text:
        var text = ""
        var byPage: [String: [DeadLink]] = [:]
        for link in summary.dead + summary.brokenFragments {
            byPage[link.foundOn ?? "(the start URL)", default: []].append(link)
        }
        for page in byPage.keys.sorted() {
            text += "\(page)\n"
            for link in byPage[page]! {
                let why = link.status.map { "HTTP \($0)" } ?? link.error ?? "?"
                text += "  \(link.line.map { "line \($0): " } ?? "")\(link.url)  \(why)\n"
            }
        }
        let deadURLs = Set(summary.dead.map(\.url)).count
        text += """
            run \(summary.runID): crawl \(summary.completed ? "completed" : "interrupted") in \
            \(String(format: "%.1f", summary.seconds)) s: \(summary.pages) pages, \(summary.urls) URLs, \
            \(summary.ok) ok, \(deadURLs) dead, \(summary.redirectsNotFollowed) redirects not followed, \
            \(summary.notChecked) not checked\(summary.brokenFragments.isEmpty ? "" : ", \(summary.brokenFragments.count) broken fragments")

            """
        try StandardStream.output.write(text)
    case .json:
        let object: [String: Any] = [
            "run": summary.runID, "completed": summary.completed, "pages": summary.pages, "urls": summary.urls,
            "ok": summary.ok, "seconds": summary.seconds,
            "dead": summary.dead.map(\.json),
            "broken_fragments": summary.brokenFragments.map(\.json),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        try StandardStream.output.write(String(decoding: data, as: UTF8.self) + "\n")
    }
    if !summary.completed {
        printError("logbook: stopped; continue with: logbook resume \(summary.runID) --db \(database)")
        throw ExitCode(ExitStatus.interrupted)
    }
    if !summary.dead.isEmpty || !summary.brokenFragments.isEmpty { throw ExitCode(ExitStatus.findings) }
}

extension DeadLink {
    var json: [String: Any] {
        func orNull(_ value: Any?) -> Any { value ?? NSNull() }
        return ["url": url, "status": orNull(status), "error": orNull(error), "found_on": orNull(foundOn), "line": orNull(line)]
    }
}
