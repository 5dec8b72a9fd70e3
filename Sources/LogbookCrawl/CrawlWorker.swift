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
    }

    /// Of an origin of the site (a start URL's scheme, host and port), and
    /// under `--scope`. `url` is normalised (by `URLResolver`), so comparing
    /// text suffices.
    func contains(_ url: String) -> Bool {
        guard let path = split(url)?.path else { return false }
        return config.scope.map { path.hasPrefix($0) } ?? true
    }

    /// The credentials for a request to `url`: only to the start URL's
    /// origin (libcurl does not send them on a redirect to another host).
    func credentials(for url: String) -> Credentials? {
        credentials != nil && split(url)?.origin == origin ? credentials : nil
    }

    /// `url`'s origin and what follows it, when the origin is one of the
    /// site's. Compared as UTF-8 bytes, as libcurl compares hosts; a URL
    /// with user information is of no origin here.
    func split(_ url: String) -> (origin: String, path: Substring)? {
        let bytes = url.utf8
        guard let colon = bytes.firstRange(of: "://".utf8) else { return nil }
        let end = bytes[colon.upperBound...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
        let originEnd = end ?? bytes.endIndex
        // The usual crawl has one origin: compared in place, with no string made.
        if bytes[..<originEnd].elementsEqual(origin.utf8) { return (origin, Substring(bytes[originEnd...])) }
        guard origins.count > 1, case let found = String(Substring(bytes[..<originEnd])), origins.contains(found)
        else { return nil }
        return (found, Substring(bytes[originEnd...]))
    }

    /// The robots.txt rules of `origin`, fetched once by whichever worker asks
    /// first. The others wait for that fetch, holding no rules of their own.
    func robotsRules(of origin: String, using fetcher: Fetcher) -> RobotsRules {
        robots.update { robots in
            if let rules = robots[origin] { return rules }
            let url = origin + "/robots.txt"
            let response = fetcher.fetch(url, method: .get, keepBody: true, credentials: credentials(for: url))
            let rules =
                response.status == 200
                ? RobotsRules(String(decoding: response.body, as: UTF8.self), agent: "logbook")
                : .allowAll
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
    private let fetcher: Fetcher
    private let include: [Regex<AnyRegexOutput>]
    private let exclude: [Regex<AnyRegexOutput>]

    init(site: Site, runID: Int64) throws {
        self.site = site
        self.runID = runID
        fetcher = Fetcher(share: site.share, limits: site.config.limits)
        include = try site.config.include.map { try Regex($0) }
        exclude = try site.config.exclude.map { try Regex($0) }
    }

    func work(frontier: Frontier, recorder: Recorder, counters: CrawlCounters) throws {
        while let page = try frontier.next() {
            let visited = visit(page)
            try recorder.send(
                PageDone(
                    runID: runID, page: page, outcome: visited.outcome, links: visited.links,
                    anchors: site.config.checkFragments ? visited.anchors : [],
                    maxDepth: site.config.maxDepth, maxPages: site.config.maxPages, maxURLs: site.config.maxURLs))
            frontier.done()
            counters.count(dead: visited.outcome.outcome.isDead)
        }
    }

    /// Fetches one URL: a page of the site is read and its links resolved; a
    /// URL elsewhere is only checked (HEAD, then GET when HEAD is refused).
    func visit(_ page: ClaimedURL) -> (outcome: Outcome, links: [FoundLink], anchors: Set<String>) {
        guard page.sameSite else {
            var response = fetch(page.url, method: .head)
            if let status = response.status, [400, 403, 405, 501].contains(status) {
                response = fetch(page.url, method: .get)
            }
            return (classify(response), [], [])
        }
        if site.config.obeyRobots, let (origin, path) = site.split(page.url),
            !site.robotsRules(of: origin, using: fetcher).allows(String(path))
        {
            return (Outcome(outcome: .robots, error: "disallowed by robots.txt"), [], [])
        }
        let response = fetch(page.url, method: .get, keepBody: true)
        let outcome = classify(response)
        guard outcome.outcome == .ok, isHTML(response.contentType), site.contains(response.finalURL) else {
            return (outcome, [], [])
        }
        let (links, anchors) = links(in: response)
        return (outcome, links, anchors)
    }

    /// Tries again after timeouts, resets, refused connections and 5xx, with
    /// doubling backoff, and waits as long as a 429 or 503 asks.
    private func fetch(_ url: String, method: Fetcher.Method, keepBody: Bool = false) -> FetchResult {
        let host = URLResolver.origin(of: url) ?? url
        var delay = site.config.retryDelayMilliseconds
        var attempt = 0
        while true {
            let response = site.hosts.request(to: host) {
                fetcher.fetch(url, method: method, keepBody: keepBody, credentials: site.credentials(for: url))
            }
            let status = response.status ?? 0
            let transient = response.failure?.isTransient == true || status >= 500 || status == 429
            guard transient, attempt < site.config.retries else { return response }
            attempt += 1
            if let wait = response.retryAfter, status == 429 || status == 503 {
                site.hosts.pause(host, seconds: min(wait, site.config.maxRetryAfterSeconds))
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
        case (nil, let status?) where status >= 400:
            outcome.outcome = .dead
            outcome.error = "HTTP \(status)"
        case (nil, let status?) where status >= 300:
            outcome.outcome = .redirect
            outcome.error = "HTTP \(status) without a usable Location"
        default:
            break
        }
        return outcome
    }

    private func isHTML(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return true }
        return type.hasPrefix("text/html") || type.hasPrefix("application/xhtml")
    }

    /// The page's links, resolved against its `<base href>` or final URL,
    /// and classified: to fetch, to check, or recorded as not checked.
    private func links(in response: FetchResult) -> (links: [FoundLink], anchors: Set<String>) {
        let page = LinkExtractor.extract(response.body, contentType: response.contentType)
        var base = BaseURL(response.finalURL)
        if let href = page.base, case .web(let url, _, _) = base.resolve(href[...]) {
            base = BaseURL(url)
        }
        let links = page.links.map { link in
            // "#" split as bytes, as libcurl splits it.
            let hash = link.value.utf8.firstIndex(of: UInt8(ascii: "#"))
            var resolved = base.resolve(link.value[..<(hash ?? link.value.endIndex)])
            var fragment: String?
            if case .web = resolved, let hash {
                let part = link.value[link.value.utf8.index(after: hash)...].trimmingWhitespace()
                fragment = part.isEmpty ? nil : String(part)
            } else if hash != nil {
                resolved = base.resolve(link.value[...])  // not the web: keep it whole
            }
            return FoundLink(
                target: target(of: link.value, resolved), element: link.element, attribute: link.attribute,
                fragment: fragment, line: link.line)
        }
        return (links, page.anchors)
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
