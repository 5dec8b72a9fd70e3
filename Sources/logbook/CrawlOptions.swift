import ArgumentParser
import CrawlSchema

// `crawl`'s options, one group per part of `CrawlConfig`, each filling its
// part; defaults come from the config types, so there is one of each.

private let defaults = CrawlConfig(start: "")

/// Which URLs a crawl follows and checks.
struct CrawlScopeOptions: ParsableArguments {
    @Option(help: "Only follow pages whose path starts with this prefix, e.g. /docs/.") var scope: String?
    @Flag(help: "Do not check links to other sites.") var noExternal = false
    @Option(help: "Follow pages at most this many links from the start.", allowed: 0...Int.max) var maxDepth: Int?
    @Option(help: "Fetch at most this many pages of the site.", allowed: 1...Int.max) var maxPages: Int?
    @Option(
        name: .customLong("max-urls"),
        help: "Fetch or check at most this many URLs, pages and links elsewhere together.",
        allowed: 1...Int.max)
    var maxURLs: Int?
    @Option(help: "Longest URL checked.", allowed: 1...8_000_000) var maxURLLength = defaults.maxURLLength
    @Flag(help: "Check that #fragment links to pages of the site name an id or a[name] there.") var checkFragments =
        false
    @Option(help: "Only check URLs matching this regular expression (repeatable).") var include: [String] = []
    @Option(help: "Do not check URLs matching this regular expression (repeatable).") var exclude: [String] = []

    func apply(to config: inout CrawlConfig) {
        config.scope = scope
        config.checkExternal = !noExternal
        config.maxDepth = maxDepth
        config.maxPages = maxPages
        config.maxURLs = maxURLs
        config.maxURLLength = maxURLLength
        config.checkFragments = checkFragments
        config.include = include
        config.exclude = exclude
    }
}

/// What one request may take and sends: `FetchLimits`.
struct FetchOptions: ParsableArguments {
    @Option(help: "Seconds per request.", allowed: 0.001...86_400)
    var timeout = Double(defaults.limits.timeoutMilliseconds) / 1000
    @Option(help: "Largest response, in bytes.", allowed: 1...Int.max) var maxBytes = defaults.limits.maxBytes
    @Option(help: "Redirects followed per request.", allowed: 0...1000) var maxRedirects = defaults.limits.maxRedirects
    @Option(help: "User-Agent header.", transform: FetchLimits.headerValue(parsing:))
    var userAgent = defaults.limits.userAgent
    @Option(help: "Extra request header, \"Name: value\" (repeatable).", transform: FetchLimits.header(parsing:))
    var header: [String] = []
    @Option(help: "CA bundle to trust.") var cacert: String?
    @Flag(help: "Do not verify TLS certificates.") var insecure = false

    var limits: FetchLimits {
        var limits = FetchLimits()
        limits.timeoutMilliseconds = Int((timeout * 1000).rounded())
        limits.maxBytes = maxBytes
        limits.maxRedirects = maxRedirects
        limits.userAgent = userAgent
        limits.headers = header
        limits.caBundle = cacert
        limits.insecure = insecure
        return limits
    }
}

/// How hard a crawl presses on a site: workers, per-host limits, retries, robots.txt.
struct PolitenessOptions: ParsableArguments {
    @Option(help: "Worker threads.", allowed: 1...1024) var workers = defaults.workers
    @Option(help: "Requests at once to one host.", allowed: 1...1024) var perHost = defaults.perHost
    @Option(help: "Milliseconds between requests to one host.", allowed: 0...3_600_000)
    var delay = defaults.delayMilliseconds
    @Option(help: "Tries again after timeouts, resets and 5xx, with backoff.", allowed: 0...20) var retries = defaults
        .retries
    @Option(help: "Milliseconds before the first retry (doubling after).", allowed: 0...60_000)
    var retryDelay = defaults.retryDelayMilliseconds
    @Flag(help: "Do not obey the site's robots.txt.") var ignoreRobots = false

    func apply(to config: inout CrawlConfig) {
        config.workers = workers
        config.perHost = perHost
        config.delayMilliseconds = delay
        config.retries = retries
        config.retryDelayMilliseconds = retryDelay
        config.obeyRobots = !ignoreRobots
    }
}

extension CrawlConfig {
    /// The crawl of `start` the command line describes.
    init(start: String, scope: CrawlScopeOptions, fetch: FetchOptions, politeness: PolitenessOptions) {
        self.init(start: start)
        scope.apply(to: &self)
        limits = fetch.limits
        politeness.apply(to: &self)
    }
}
