import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore

/// Where a CI report (github annotations, SARIF, JUnit) locates a finding:
/// the referring page's URL; for a crawl of a build folder, the page's file,
/// relative to the current folder when it lies in it. A CI job runs at its
/// repository's root, so that is the repository path GitHub attaches
/// annotations and code-scanning alerts to.
struct PageLocations {
    private let folder: SiteFolder?
    private let here = FileManager.default.currentDirectoryPath + "/"

    /// For run `runID` of `database`; a run whose settings cannot be read is
    /// located by URL, as every crawl of a server is.
    init(run runID: Int64, in database: Connection) {
        let config = try? database.runs(id: runID).first?.crawlConfig()
        folder = config.flatMap { config in config.folder.map { SiteFolder($0, base: config.start) } }
    }

    func locate(_ page: String) -> String {
        guard let file = folder?.file(for: page) else { return page }
        return file.hasPrefix(here) ? String(file.dropFirst(here.count)) : file
    }
}
