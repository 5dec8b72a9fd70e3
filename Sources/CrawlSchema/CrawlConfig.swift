/// Everything a crawl needs, stored as `runs.config` so `resume` continues
/// with exactly the same settings.
public struct CrawlConfig: Hashable, Sendable, Codable {
    /// The normalised start URL (the first, when there are several); its
    /// scheme, host and port are "the site", with `origins`.
    public var start: String
    /// The other start URLs given as arguments, normalised. Those read from
    /// `--urls-from` and `sitemaps` are recorded in `urls` only (with the
    /// run's row, by `StartCrawl`). Nil: none (as in runs made before).
    public var moreStarts: [String]?
    /// The origins (scheme://host[:port]) of the site besides `start`'s: of
    /// every other start URL, whatever it came from. Nil: `start`'s only.
    public var origins: [String]?
    /// The sitemaps (`--sitemap`) whose URLs were start URLs, as given.
    public var sitemaps: [String]?
    /// The file (or "-", standard input) `--urls-from` read start URLs from.
    public var urlsFrom: String?
    /// Only URLs of the site under this path prefix are followed.
    public var scope: String?
    public var workers = 8
    /// Check links to other sites (never follow them).
    public var checkExternal = true
    public var limits = FetchLimits()
    /// Pages further than this many links from the start are not followed.
    public var maxDepth: Int?
    /// At most this many pages of the site are fetched.
    public var maxPages: Int?
    /// At most this many URLs are fetched or checked, pages and links elsewhere together.
    public var maxURLs: Int?
    public var maxURLLength = 2048
    /// Attempts after the first for timeouts, resets and 5xx, with backoff.
    public var retries = 2
    /// Backoff before the first retry; doubled for each next one.
    public var retryDelayMilliseconds = 500
    /// Longest wait a `Retry-After` may ask for.
    public var maxRetryAfterSeconds = 30
    /// Obey the site's robots.txt.
    public var obeyRobots = true
    /// At most this many requests at once to one host…
    public var perHost = 4
    /// …at least this far apart.
    public var delayMilliseconds = 0
    /// True when the crawl sends `Credentials`, which are never stored:
    /// `resume` must be given them again. (Optional, so configs recorded
    /// before it decode, and a crawl without credentials records nothing.)
    public var usesCredentials: Bool?
    /// Check that `#fragment` links to pages of the site name an id or a[name] there.
    public var checkFragments = false
    /// URLs must match one of these (when any are given) and none of `exclude`.
    public var include: [String] = []
    public var exclude: [String] = []
    /// The final statuses counted as ok (`--accept`). Any other is dead,
    /// except a 3xx (a redirect without a usable Location), which stays a
    /// redirect not followed.
    public var accept = StatusCodes.success
    /// Requests to URLs a rule matches go where its replacement says (the
    /// first rule that matches); the URLs are recorded as found.
    public var remap: [URLRemap] = []
    /// The site's build folder, read in place of its server (an absolute
    /// path); `start` is then the URL it is served at (`--base-url`).
    public var folder: String?
    /// Take what an earlier crawl in the same file learned (`--reuse`).
    public var reuse: Reuse?

    /// A crawl that reuses run `run`'s outcomes: external links it found ok
    /// at most `maxAgeSeconds` ago are not requested again; its pages are
    /// requested with their validators, and an unchanged one (304) keeps
    /// its recorded links. Dead links are always checked again.
    public struct Reuse: Hashable, Sendable, Codable {
        public var run: Int64
        public var maxAgeSeconds: Int

        public init(run: Int64, maxAgeSeconds: Int = 86_400) {
            self.run = run
            self.maxAgeSeconds = maxAgeSeconds
        }
    }

    public init(start: String) {
        self.start = start
    }
}

/// Bounds and identity for every request of a crawl.
public struct FetchLimits: Hashable, Sendable, Codable {
    public var timeoutMilliseconds = 15_000
    public var maxBytes = 10 << 20
    public var maxRedirects = 10
    public var userAgent = "logbook/0.1 (link checker)"
    /// Extra request headers, "Name: value".
    public var headers: [String] = []
    /// A CA bundle to trust instead of the system's.
    public var caBundle: String?
    /// Skip TLS certificate verification.
    public var insecure = false

    public init() {}
}
