import ArgumentParser
import CrawlSchema
import LogbookCrawl

/// Where a crawl starts besides its URL arguments: sitemaps and a list.
struct StartOptions: ParsableArguments {
    @Option(help: "A sitemap or sitemap index (gzip too) whose URLs are start URLs (repeatable).") var sitemap:
        [String] = []
    @Option(
        help: ArgumentHelp(
            "A file of start URLs, one a line (# starts a comment); - reads standard input.", valueName: "file"))
    var urlsFrom: String?

    func apply(to config: inout CrawlConfig) {
        config.sitemaps = sitemap.isEmpty ? nil : sitemap
        config.urlsFrom = urlsFrom
    }

    /// The start URLs `--urls-from` lists, each with its file and line
    /// (`URLList`); a line longer than `maxURLLength` is refused.
    func listed(maxURLLength: Int) throws -> [ListedURL] {
        try urlsFrom.map { try URLList.read($0, maxURLLength: maxURLLength) } ?? []
    }
}
