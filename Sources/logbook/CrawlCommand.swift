import ArgumentParser
import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore

struct CrawlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl a site for dead links, recording every URL, outcome and link.",
        discussion: """
            Fetches every page of the start URLs' site (each start URL's scheme, host and port; under \
            --scope when given), follows links between them, and checks links to other sites (HEAD, \
            then GET when HEAD is refused) without following them. Start URLs are the arguments, \
            the lines of --urls-from and the URLs of --sitemap. Only http and https are fetched, \
            for requests and for redirects. Exit code 1 when any link is dead. Ctrl-C stops, \
            and `logbook resume` continues.
            """)

    /// How the findings are printed: for people, for programs (json, csv),
    /// for a pull request's comment (markdown) and as GitHub Actions
    /// annotations on the referring pages (github).
    /// junit (a test per link checked) and sarif (code scanning) are for CI: see FindingReport.swift.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv, markdown, github, junit, sarif
    }

    @OptionGroup var database: DatabaseOption
    @OptionGroup var configFile: ConfigFileOption
    @Argument(
        help: ArgumentHelp("Start URLs; the first may be a site's build folder (with --base-url).", valueName: "url"))
    var urls: [String] = []
    @Option(help: "The URL a build folder given as the start is served at, e.g. https://example.org/.")
    var baseURL: String?
    @OptionGroup(title: "Start URLs") var starts: StartOptions
    @OptionGroup(title: "Scope") var scope: CrawlScopeOptions
    @OptionGroup(title: "Requests") var fetch: FetchOptions
    @OptionGroup(title: "Politeness") var politeness: PolitenessOptions
    @OptionGroup(title: "Rules") var rules: CrawlRuleOptions
    @OptionGroup(title: "Reuse") var reuse: ReuseOptions
    @OptionGroup(title: "Shared crawls (PostgreSQL)") var lease: LeaseOption
    @Option(help: "text, json, csv, markdown, github (annotations), junit or sarif.") var format: Format = .text
    @Option(
        help: ArgumentHelp(
            "Write the findings to this file (replaced whole) instead of standard output.", valueName: "file"))
    var output: OutputFile?
    @Flag(help: "No progress line.") var quiet = false

    func validate() throws { try output?.asFindingsOutput.requirePath() }

    func run() throws {
        try checkOutput(output, sparing: [database.path])
        var config = CrawlConfig(start: urls.first ?? "", scope: scope, fetch: fetch, politeness: politeness)
        (config.start, config.folder) = try startAndFolder()
        config.moreStarts = urls.count > 1 ? Array(urls.dropFirst()) : nil
        starts.apply(to: &config)
        rules.apply(to: &config)
        var prepared = try Crawl.prepare(
            config, listed: starts.listed(maxURLLength: config.maxURLLength), credentials: .fromEnvironment)
        for note in prepared.notes { printError("logbook: \(note)") }
        prepared.config.reuse = try reuse.resolve(start: prepared.config.start, database: database.path)

        let recorder = try Recorder(path: database.path, options: Crawl.recorderOptions(for: database.path))
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Crawl.start(
                prepared, recorder: recorder,
                hooks: CrawlHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }),
                lease: lease.duration)
        }
        try report(summary, format: format, database: database.path, to: output)
    }
}

extension CrawlCommand {
    /// The start URL and the build folder read in its place, if `url` is
    /// one: `crawl ./public --base-url https://example.org/`.
    private func startAndFolder() throws -> (start: String, folder: String?) {
        guard let url = urls.first else {
            if baseURL != nil { throw UsageError("--base-url is the URL a build folder is served at: give the folder") }
            return ("", nil)
        }
        var isFolder: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: url, isDirectory: &isFolder) && isFolder.boolValue
        switch (baseURL, folder) {
        case (let base?, true):
            return (
                base, URL(filePath: url, directoryHint: .isDirectory).standardizedFileURL.path(percentEncoded: false)
            )
        case (_?, false):
            throw UsageError("--base-url is the URL a build folder is served at, and \(url) is not a folder")
        case (nil, true) where !url.contains("://"):
            throw UsageError(
                "\(url) is a folder: give the URL its files are served at with --base-url, e.g. --base-url https://example.org/"
            )
        default:
            return (url, nil)
        }
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
