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

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The start URL.") var url: String
    @OptionGroup(title: "Scope") var scope: CrawlScopeOptions
    @OptionGroup(title: "Requests") var fetch: FetchOptions
    @OptionGroup(title: "Politeness") var politeness: PolitenessOptions
    @Option(help: "Summary as text or json.") var format: Format = .text
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        let config = CrawlConfig(start: url, scope: scope, fetch: fetch, politeness: politeness)
        let (prepared, credentials) = try Crawl.prepare(config, credentials: .fromEnvironment)

        let recorder = try Recorder(path: database.path, options: Crawl.recorderOptions)
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Crawl.start(
                prepared, credentials: credentials, recorder: recorder,
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
/// exit code says whether any link is dead. The links are read from the
/// database as they are printed (`CrawlFindings`) and written in chunks, so
/// printing a million takes the memory that printing one does.
func report(_ summary: CrawlSummary, format: CrawlCommand.Format, database: String) throws {
    let findings = CrawlFindings(of: summary, database: try Connection(path: database, mode: .readOnly))
    let output = BufferedOutput(.output)
    switch format {
    case .text:
        var page: String?
        try findings.forEach { finding in
            let referrer = finding.foundOn ?? "(the start URL)"
            if referrer != page {
                try output.write("\(referrer)\n")
                page = referrer
            }
            let why = finding.status.map { "HTTP \($0)" } ?? finding.error ?? "?"
            try output.write("  \(finding.line.map { "line \($0): " } ?? "")\(finding.url)  \(why)\n")
        }
        try output.write(
            """
            run \(summary.runID): crawl \(summary.completed ? "completed" : "interrupted") in \
            \(String(format: "%.1f", summary.seconds)) s: \(summary.pages) pages, \(summary.urls) URLs, \
            \(summary.ok) ok, \(summary.deadURLs) dead, \(summary.redirectsNotFollowed) redirects not followed, \
            \(summary.notChecked) not checked\(summary.brokenFragments == 0 ? "" : ", \(summary.brokenFragments) broken fragments")

            """)
    case .json:
        // One object with its keys sorted, laid out as JSONSerialization's
        // pretty printing laid it out when the report was built in memory.
        func array(of kind: CrawlFinding.Kind) throws {
            var opening = "["
            try findings.forEach([kind]) { finding in
                try output.write(opening + "\n    " + finding.json)
                opening = ","
            }
            try output.write(opening == "[" ? "[]" : "\n  ]")
        }
        try output.write("{\n  \"broken_fragments\" : ")
        try array(of: .brokenFragment)
        try output.write(",\n  \"completed\" : \(summary.completed),\n  \"dead\" : ")
        try array(of: .deadLink)
        try output.write(
            """
            ,
              "ok" : \(summary.ok),
              "pages" : \(summary.pages),
              "run" : \(summary.runID),
              "seconds" : \(SQLValue.real(summary.seconds).jsonText),
              "urls" : \(summary.urls)
            }

            """)
    }
    try output.flush()
    if !summary.completed {
        printError("logbook: stopped; continue with: logbook resume \(summary.runID) --db \(database)")
        throw ExitCode(ExitStatus.interrupted)
    }
    if summary.hasFindings { throw ExitCode(ExitStatus.findings) }
}

extension CrawlFinding {
    /// The finding as a JSON object, its keys sorted, indented to sit in the
    /// report's arrays.
    var json: String {
        let fields: KeyValuePairs<String, SQLValue> = [
            "error": error.map(SQLValue.text) ?? .null, "found_on": foundOn.map(SQLValue.text) ?? .null,
            "line": line.map { .integer(Int64($0)) } ?? .null, "status": status.map { .integer(Int64($0)) } ?? .null,
            "url": .text(url),
        ]
        return "{\n" + fields.map { "      \($0.jsonQuoted) : \($1.jsonText)" }.joined(separator: ",\n") + "\n    }"
    }
}
