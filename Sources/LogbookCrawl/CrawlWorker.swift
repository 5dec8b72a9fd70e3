import CrawlSchema
import Foundation
import LogbookHTML
import LogbookStore

/// What every worker of one crawl shares: the settings, the site's origins
/// and credentials, libcurl's shared caches, per-host limits and robots.txt
/// rules.
final class Site: Sendable {
    let config: CrawlConfig
    /// The start URL's origin: the only one the credentials go to.
    let origin: String
    /// Every origin of the site: the start URLs'.
    let origins: Set<String>
    private let credentials: Credentials?
    let share: FetchShare
    let hosts: HostLimiter
    /// The build folder read in place of the site's server, when crawling one.
    let folder: SiteFolder?
    /// Each origin's, once the first worker that asks has fetched them. (Not
    /// a `Mutex`: ThreadSanitizer does not see its futex, and reports races.)
    private let robots = Guarded<[String: RobotsRules]>([:])

    init(config: CrawlConfig, credentials: Credentials?, share: FetchShare) {
        self.config = config
        origin = URLResolver.origin(of: config.start) ?? config.start
        origins = Set([origin] + (config.origins ?? []))
        self.credentials = credentials
        self.share = share
        hosts = HostLimiter(perHost: config.perHost, delay: .milliseconds(config.delayMilliseconds))
        folder = config.folder.map { SiteFolder($0, base: config.start) }
    }

    /// Of an origin of the site (a start URL's scheme, host and port), and
    /// under `--scope`. `url` is normalised (by `URLResolver`), so comparing
    /// text suffices.
    func contains(_ url: String) -> Bool {
        guard let path = split(url)?.path else { return false }
        return config.scope.map { path.hasPrefix($0) } ?? true
    }

    /// The credentials for a request to `url`: only to the start URL's
    /// origin (libcurl does not send them on a redirect to another host),
    /// so not to a host a `--remap` rule sends the request to instead.
    func credentials(for url: String) -> Credentials? {
        credentials != nil && split(url)?.origin == origin ? credentials : nil
    }

    /// `url`'s origin and what follows it, when the origin is one of the
    /// site's. Compared as UTF-8 bytes, as libcurl compares hosts; a URL
    /// with user information is of no origin here. It runs for every link:
    /// the usual crawl's one origin is compared in place, with no string
    /// made and no generic search (a `firstRange(of:)` here cost the
    /// workers 30% more CPU on a 25-link site).
    func split(_ url: String) -> (origin: String, path: Substring)? {
        if let path = Self.path(of: url, under: origin) { return (origin, path) }
        guard origins.count > 1 else { return nil }
        let bytes = url.utf8
        // The origin ends at the first "/" or "?" after "scheme://".
        var slashes = 0
        var index = bytes.startIndex
        while index != bytes.endIndex, slashes < 2 {
            if bytes[index] == UInt8(ascii: "/") { slashes += 1 }
            bytes.formIndex(after: &index)
        }
        let end = bytes[index...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? bytes.endIndex
        let found = String(Substring(bytes[..<end]))
        return origins.contains(found) ? (found, Substring(bytes[end...])) : nil
    }

    /// What follows `origin` in `url`, when `url` is of it.
    private static func path(of url: String, under origin: String) -> Substring? {
        guard url.utf8.starts(with: origin.utf8) else { return nil }
        let path = url.utf8.dropFirst(origin.utf8.count)
        return path.isEmpty || path.first == UInt8(ascii: "/") || path.first == UInt8(ascii: "?")
            ? Substring(path) : nil
    }

    /// The robots.txt rules of `origin`, fetched once (where `remap` sends
    /// the request) by whichever worker asks first. The others wait for that
    /// fetch, holding no rules of their own. In a crawl shared through
    /// PostgreSQL (`shared`), once for the whole run: a process reads what
    /// another fetched.
    func robotsRules(
        of origin: String, using fetcher: Fetcher, remap: URLRemapper,
        shared: (locks: SharedHostLocks, recorder: Recorder)?
    ) throws -> RobotsRules {
        try robots.update { robots in
            if let rules = robots[origin] { return rules }
            let fetch = { () -> (status: Int?, body: String) in
                let request = remap.request(for: origin + "/robots.txt")
                let response = fetcher.fetch(
                    request, method: .get, keepBody: true, credentials: self.credentials(for: request))
                return (response.status, response.status == 200 ? String(decoding: response.body, as: UTF8.self) : "")
            }
            let robotsTxt =
                try shared.map { shared in
                    let recorded = try shared.locks.robots(of: origin, fetch: fetch) { fetched in
                        try shared.recorder.send(fetched)
                        try shared.recorder.flush()
                    }
                    return (recorded.status, recorded.body)
                } ?? fetch()
            let rules = robotsTxt.status == 200 ? RobotsRules(robotsTxt.body, agent: "logbook") : .allowAll
            robots[origin] = rules
            return rules
        }
    }
}

/// One worker thread: takes URLs from the frontier, fetches and parses
/// them, and sends each page's outcome and links to the Recorder as one
/// record. It owns its libcurl handle and its compiled patterns.
struct CrawlWorker {
    let site: Site
    let runID: Int64
    private let recorder: Recorder
    private let fetcher: Fetcher
    private let include: [Regex<AnyRegexOutput>]
    private let exclude: [Regex<AnyRegexOutput>]
    /// The run `--reuse` takes outcomes and links from, on this worker's own
    /// read-only connection to the crawl's file.
    private let previous: PreviousCrawl?
    private let remap: URLRemapper
    /// On PostgreSQL: `--per-host` and `--delay` held across every process of the crawl.
    private let sharedHosts: SharedHostLocks?
    private let member: CrawlMember?

    /// `member`: this process's part in a crawl shared through PostgreSQL.
    init(site: Site, runID: Int64, recorder: Recorder, member: CrawlMember?) throws {
        self.site = site
        self.runID = runID
        self.recorder = recorder
        let path = recorder.path
        fetcher = Fetcher(share: site.share, limits: site.config.limits)
        include = try site.config.include.map { try Regex($0) }
        exclude = try site.config.exclude.map { try Regex($0) }
        previous = try site.config.reuse.map {
            PreviousCrawl(try Connection(path: path, mode: .readOnly), run: $0.run, for: site.config)
        }
        remap = try URLRemapper(site.config.remap)
        self.member = member
        sharedHosts = try member.map {
            try SharedHostLocks(
                database: path, member: $0, runID: runID, perHost: site.config.perHost,
                delay: .milliseconds(site.config.delayMilliseconds))
        }
    }

    func work(frontier: Frontier, counters: CrawlCounters) throws {
        while let page = try frontier.next() {
            let visited = try visit(page)
            try recorder.send(
                PageDone(
                    runID: runID, page: page, outcome: visited.outcome, links: visited.links,
                    anchors: site.config.checkFragments ? visited.anchors : [],
                    maxDepth: site.config.maxDepth, maxPages: site.config.maxPages, maxURLs: site.config.maxURLs,
                    member: member))
            frontier.done()
            counters.count(dead: visited.outcome.outcome.isDead)
        }
    }

    /// Fetches one URL (where `--remap` sends it): a page of the site is
    /// read (from its server, or its build folder) and its links resolved; a
    /// URL elsewhere is only checked (HEAD, then GET when HEAD is refused).
    /// Only a 2xx page's links are the site's: an accepted 403 or 429 is an
    /// error page. With `--reuse`, an external URL the earlier run found ok
    /// recently is not requested, and a page is asked whether it changed since.
    func visit(_ page: ClaimedURL) throws -> (outcome: Outcome, links: [FoundLink], anchors: Set<String>) {
        let prior = try previous?.fetch(of: page.url)
        let request = remap.request(for: page.url)
        guard page.sameSite else {
            if let reuse = site.config.reuse, previous?.reusesOutcomes == true,
                let cached = prior?.cached(from: reuse.run, maxAge: reuse.maxAgeSeconds)
            {
                return (cached, [], [])
            }
            var response = try fetch(request, method: .head)
            if let status = response.status, [400, 403, 405, 501].contains(status) {
                response = try fetch(request, method: .get)
            }
            return (classify(response), [], [])
        }
        var (response, requested) = (FetchResult(finalURL: page.url), request)
        if let folder = site.folder, page.url.hasPrefix(folder.base) {
            (response, requested) = (folder.read(page.url, maxBytes: site.config.limits.maxBytes), page.url)
        } else {
            if site.config.obeyRobots, let (origin, path) = site.split(page.url),
                try !site.robotsRules(
                    of: origin, using: fetcher, remap: remap, shared: sharedHosts.map { ($0, recorder) }
                ).allows(String(path))
            {
                return (Outcome(outcome: .robots, error: "disallowed by robots.txt"), [], [])
            }
            response = try fetch(
                request, method: .get, keepBody: true,
                validators: previous?.reusesPages == true ? prior?.validators : nil)
            if response.status == 304, response.failure == nil, let previous, let prior, prior.validators != nil {
                return try revalidated(page, prior, response, from: previous)
            }
        }
        var outcome = classify(response)
        (outcome.etag, outcome.lastModified) = (response.etag, response.lastModified)
        let address = URLRemapper.siteURL(of: response.finalURL, requested: requested, for: page.url)
        guard outcome.outcome == .ok, (200..<300).contains(response.status ?? 0), Self.isHTML(response.contentType),
            site.contains(address)
        else {
            return (outcome, [], [])
        }
        let (links, anchors) = links(in: response, at: address)
        return (outcome, links, anchors)
    }

    /// A page that answered 304 Not Modified: the earlier run's outcome,
    /// links and anchors for it, the links classified again under this
    /// crawl's rules (`--include`, `--max-url-length`… may have changed).
    private func revalidated(
        _ page: ClaimedURL, _ prior: PreviousFetch, _ response: FetchResult, from previous: PreviousCrawl
    ) throws -> (outcome: Outcome, links: [FoundLink], anchors: Set<String>) {
        var outcome = prior.outcome
        outcome.source = .revalidated
        outcome.sourceRun = previous.runID
        outcome.fetchedAt = nil
        outcome.elapsedMilliseconds = response.elapsedMilliseconds
        outcome.etag = response.etag ?? outcome.etag
        outcome.lastModified = response.lastModified ?? outcome.lastModified
        var base = BaseURL(prior.outcome.finalURL ?? page.url)
        let links = try previous.links(from: prior.urlID).map { link in
            resolve(link.reference, element: link.element, attribute: link.attribute, line: link.line, against: &base)
        }
        return (outcome, links, site.config.checkFragments ? try previous.anchors(of: prior.urlID) : [])
    }

    /// Tries again after timeouts, resets, refused connections and 5xx, with
    /// doubling backoff, and waits as long as a 429 or 503 asks; a status
    /// `--accept` counts as ok is an answer, and not asked again.
    private func fetch(
        _ url: String, method: Fetcher.Method, keepBody: Bool = false,
        validators: (etag: String?, lastModified: String?)? = nil
    ) throws -> FetchResult {
        let host = URLResolver.origin(of: url) ?? url
        var delay = site.config.retryDelayMilliseconds
        var attempt = 0
        while true {
            let request = {
                fetcher.fetch(
                    url, method: method, keepBody: keepBody, credentials: site.credentials(for: url),
                    validators: validators)
            }
            let response = try sharedHosts?.request(to: host, request) ?? site.hosts.request(to: host, request)
            let status = response.status ?? 0
            let transient =
                response.failure?.isTransient == true
                || (status >= 500 || status == 429) && !site.config.accept.contains(status)
            guard transient, attempt < site.config.retries else { return response }
            attempt += 1
            if let wait = response.retryAfter, status == 429 || status == 503 {
                let seconds = min(wait, site.config.maxRetryAfterSeconds)
                if let sharedHosts {
                    try sharedHosts.pause(host, seconds: seconds)
                } else {
                    site.hosts.pause(host, seconds: seconds)
                }
            } else {
                Thread.sleep(forTimeInterval: Double(delay) / 1000)
                delay *= 2
            }
        }
    }

    private func classify(_ response: FetchResult) -> Outcome {
        var outcome = Outcome(
            outcome: .ok, status: response.status, error: response.error,
            contentType: response.contentType, bytes: response.bytes,
            elapsedMilliseconds: response.elapsedMilliseconds, finalURL: response.finalURL,
            redirects: response.redirects)
        switch (response.failure, response.status) {
        case (.forbiddenRedirect?, _):
            outcome.outcome = .redirect
            outcome.error = "redirect to \(response.redirects.last ?? "?") not followed: only http and https are"
        case (.some, _):
            outcome.outcome = .error
        case (nil, let status?) where site.config.accept.contains(status):
            break
        case (nil, let status?) where (300..<400).contains(status):
            outcome.outcome = .redirect
            outcome.error = "HTTP \(status) without a usable Location"
        case (nil, let status?):
            outcome.outcome = .dead
            outcome.error = response.error ?? "HTTP \(status)"
        default:
            break
        }
        return outcome
    }

    /// Whether a response of `contentType` is a page to read links from (no
    /// Content-Type: taken to be one). A build folder's files ask it too.
    static func isHTML(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return true }
        return type.hasPrefix("text/html") || type.hasPrefix("application/xhtml")
    }

    /// The page's links, resolved against its `<base href>` or `address`
    /// (its final URL, as the site's), and classified: to fetch, to check,
    /// or recorded as not checked.
    private func links(in response: FetchResult, at address: String) -> (links: [FoundLink], anchors: Set<String>) {
        let page = LinkExtractor.extract(response.body, contentType: response.contentType)
        var base = BaseURL(address)
        if let href = page.base, case .web(let url, _, _) = base.resolve(href[...]) {
            base = BaseURL(url)
        }
        let links = page.links.map { link in
            resolve(link.value, element: link.element, attribute: link.attribute, line: link.line, against: &base)
        }
        return (links, page.anchors)
    }

    /// A link as written, resolved against `base` and classified.
    private func resolve(
        _ value: String, element: String, attribute: String, line: Int, against base: inout BaseURL
    ) -> FoundLink {
        // "#" split as bytes, as libcurl splits it.
        let hash = value.utf8.firstIndex(of: UInt8(ascii: "#"))
        var resolved = base.resolve(value[..<(hash ?? value.endIndex)])
        var fragment: String?
        if case .web = resolved, let hash {
            let part = value[value.utf8.index(after: hash)...].trimmingWhitespace()
            fragment = part.isEmpty ? nil : String(part)
        } else if hash != nil {
            resolved = base.resolve(value[...])  // not the web: keep it whole
        }
        return FoundLink(
            target: target(of: value, resolved), element: element, attribute: attribute, fragment: fragment,
            line: line)
    }

    private func target(of reference: String, _ resolved: ResolvedURL) -> FoundLink.Target {
        switch resolved {
        case .invalid(let reason):
            return .settled(url: reference, host: "", Outcome(outcome: .error, error: "not a valid URL: \(reason)"))
        case .otherScheme(let scheme, let url):
            return .settled(url: url, host: "", Outcome(outcome: .skipped, error: "\(scheme): links are not checked"))
        case .web(let url, let host, _):
            if url.utf8.count > site.config.maxURLLength {
                return .settled(
                    url: url, host: host,
                    Outcome(outcome: .excluded, error: "longer than --max-url-length \(site.config.maxURLLength)"))
            }
            if !include.isEmpty, !include.contains(where: { url.contains($0) }) {
                return .settled(url: url, host: host, Outcome(outcome: .excluded, error: "matches no --include"))
            }
            if exclude.contains(where: { url.contains($0) }) {
                return .settled(url: url, host: host, Outcome(outcome: .excluded, error: "matches --exclude"))
            }
            let sameSite = site.contains(url)
            if !sameSite, !site.config.checkExternal {
                return .settled(url: url, host: host, Outcome(outcome: .excluded, error: "--no-external"))
            }
            return .queue(url: url, host: host, sameSite: sameSite)
        }
    }
}
