import CrawlSchema
import LogbookHTML

/// Reads the start URLs that sitemaps (`--sitemap`) list, before a crawl
/// starts, through a `Fetcher` with the crawl's limits: `--max-bytes` bounds
/// each sitemap as fetched and again once decompressed (a `.xml.gz` served
/// without `Content-Encoding`; libcurl decodes one served with it). A
/// sitemap index is followed to the sitemaps it lists, each read once (a
/// loop of indexes ends), at most `maxNesting` levels deep and `maxSitemaps`
/// files in all, so no index can hang a crawl or exhaust its memory.
/// A sitemap lists its own origin's pages only (sitemaps.org: "all URLs in
/// a Sitemap must be from a single host"): locations and listed sitemaps on
/// another origin are left out (`leftOut`), so whoever writes a sitemap
/// cannot make the crawl follow other hosts.
struct SitemapReader {
    static let maxNesting = 4
    static let maxSitemaps = 1000

    let fetcher: Fetcher
    let maxBytes: Int
    /// What a request to a URL sends: the credentials only to their origin.
    let credentials: (String) -> Credentials?
    /// Sitemaps read so far, so each is read once.
    private var visited: Set<String> = []
    /// Locations on another origin than their sitemap's, left out: how
    /// many, and the first with its sitemap.
    private(set) var leftOut = 0
    private(set) var firstLeftOut: (location: String, sitemap: String)?

    init(limits: FetchLimits, credentials: @escaping (String) -> Credentials?) {
        fetcher = Fetcher(share: FetchShare(), limits: limits)
        maxBytes = limits.maxBytes
        self.credentials = credentials
    }

    /// Calls `found` with each page location of the sitemap at `url`
    /// (normalised) and of the sitemaps it lists, in order, and the sitemap
    /// listing it. Locations are read against the sitemap's URL, so a
    /// relative one (which the protocol does not allow) is taken as meant.
    mutating func read(_ url: String, level: Int = 1, found: (String, String) throws -> Void) throws {
        guard visited.insert(url).inserted else { return }
        guard visited.count <= Self.maxSitemaps else {
            throw CrawlError(.options, "sitemap \(url): more than \(Self.maxSitemaps) sitemaps to read in all")
        }
        switch try sitemap(at: url) {
        case .pages(let locations):
            for location in locations {
                guard case .web(let page, _, _) = URLResolver.resolve(location, against: url) else {
                    try found(location, url)  // refused there, saying why
                    continue
                }
                if isOfAnotherOrigin(page, than: url) { continue }
                try found(page, url)
            }
        case .index(let locations):
            for location in locations {
                guard case .web(let listed, _, _) = URLResolver.resolve(location, against: url) else {
                    throw CrawlError(
                        .options, "sitemap index \(url) lists \(Credentials.redacting(location)), not an http(s) URL")
                }
                if isOfAnotherOrigin(listed, than: url) { continue }
                guard level < Self.maxNesting else {
                    throw CrawlError(
                        .options,
                        "sitemap index \(url) lists \(listed): sitemap indexes nested deeper than \(Self.maxNesting)")
                }
                try read(listed, level: level + 1, found: found)
            }
        }
    }

    /// Whether `location` is on another origin than `sitemap`, counted as left out if so.
    private mutating func isOfAnotherOrigin(_ location: String, than sitemap: String) -> Bool {
        guard URLResolver.origin(of: location) != URLResolver.origin(of: sitemap) else { return false }
        leftOut += 1
        firstLeftOut = firstLeftOut ?? (Credentials.redacting(location), sitemap)
        return true
    }

    private func sitemap(at url: String) throws -> Sitemap {
        let response = fetcher.fetch(url, method: .get, keepBody: true, credentials: credentials(url))
        if let error = response.error {
            // Too large is a matter of --max-bytes, as it is once decompressed.
            throw CrawlError(
                response.failure == .tooLarge ? .options : .sitemap, "sitemap \(url) cannot be fetched: \(error)")
        }
        guard let status = response.status, (200..<300).contains(status) else {
            throw CrawlError(.sitemap, "sitemap \(url) cannot be fetched: HTTP \(response.status ?? 0)")
        }
        do {
            let body =
                Gunzip.isGzip(response.body) ? try Gunzip.decompress(response.body, limit: maxBytes) : response.body
            return try SitemapParser.parse(body)
        } catch {
            throw CrawlError(.options, "sitemap \(url) is not a sitemap: \(error)")
        }
    }
}
