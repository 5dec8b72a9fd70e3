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
            Fetches every page of the start URL's site (same scheme, host and port; under --scope \
            when given), follows links between them, and checks links to other sites (HEAD, then \
            GET when HEAD is refused) without following them. Only http and https are fetched, \
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
    @Argument(help: "The start URL.") var url: String
    @OptionGroup(title: "Scope") var scope: CrawlScopeOptions
    @OptionGroup(title: "Requests") var fetch: FetchOptions
    @OptionGroup(title: "Politeness") var politeness: PolitenessOptions
    @Option(help: "text, json, csv, markdown, github (annotations), junit or sarif.") var format: Format = .text
    @Option(
        help: ArgumentHelp(
            "Write the findings to this file (replaced whole) instead of standard output.", valueName: "file"))
    var output: OutputFile?
    @Flag(help: "No progress line.") var quiet = false

    func validate() throws { try output?.asFindingsOutput.requirePath() }

    func run() throws {
        let config = CrawlConfig(start: url, scope: scope, fetch: fetch, politeness: politeness)
        let (prepared, credentials) = try Crawl.prepare(config, credentials: .fromEnvironment)

        let recorder = try Recorder(path: database.path, options: Crawl.recorderOptions)
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Crawl.start(
                prepared, credentials: credentials, recorder: recorder,
                hooks: CrawlHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }))
        }
        try report(summary, format: format, database: database.path, to: output)
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
