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
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv, markdown, github }

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
    @Option(help: "text, json, csv, markdown or github (annotations).") var format: Format = .text
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        var config = CrawlConfig(start: urls.first ?? "", scope: scope, fetch: fetch, politeness: politeness)
        (config.start, config.folder) = try startAndFolder()
        config.moreStarts = urls.count > 1 ? Array(urls.dropFirst()) : nil
        starts.apply(to: &config)
        rules.apply(to: &config)
        var prepared = try Crawl.prepare(config, listed: starts.listed(), credentials: .fromEnvironment)
        prepared.config.reuse = try reuse.resolve(start: prepared.config.start, database: database.path)

        let recorder = try Recorder(path: database.path, options: Crawl.recorderOptions)
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Crawl.start(
                prepared, recorder: recorder,
                hooks: CrawlHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }))
        }
        try report(summary, format: format, database: database.path)
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

/// Prints dead links grouped by the page linking to them, then counts; the
/// exit code says whether any link is dead. The links are read from the
/// database as they are printed (`forEachFinding`) and written in chunks, so
/// printing a million takes the memory that printing one does.
/// `asRecorded`: the run is printed again (`logbook links`), not just ended,
/// so an interrupted one is said to be partial rather than to be resumed.
func report(_ summary: CrawlSummary, format: CrawlCommand.Format, database: String, asRecorded: Bool = false) throws {
    let connection = try Connection(path: database, mode: .readOnly)
    let output = BufferedOutput(.output)
    switch format {
    case .text:
        var page: String?
        try summary.forEachFinding(in: connection) { finding in
            let referrer = finding.foundOn ?? "(the start URL)"
            if referrer != page {
                try output.write("\(referrer)\n")
                page = referrer
            }
            try output.write("  \(finding.line.map { "line \($0): " } ?? "")\(finding.url)  \(finding.why)\n")
        }
        try output.write(
            """
            run \(summary.runID): crawl \(summary.completed ? "completed" : "interrupted") in \
            \(String(format: "%.1f", summary.seconds)) s: \(summary.pages) pages, \(summary.urls) URLs, \
            \(summary.ok) ok, \(summary.deadURLs) dead, \(summary.redirectsNotFollowed) redirects not followed, \
            \(summary.notChecked) not checked\(summary.brokenFragments == 0 ? "" : ", \(summary.brokenFragments) broken fragments")\
            \(summary.reused == 0 ? "" : ", \(summary.reused) reused from an earlier run")

            """)
    case .json:
        // One object with its keys sorted, laid out as JSONSerialization's
        // pretty printing laid it out when the report was built in memory.
        func array(of kind: CrawlFinding.Kind) throws {
            var opening = "["
            try summary.forEachFinding(in: connection, [kind]) { finding in
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
    case .csv:
        let printer = try ResultPrinter(columns: ["kind", "url", "status", "error", "found_on", "line"], format: .csv)
        try summary.forEachFinding(in: connection) { finding in
            try printer.row([
                .text(finding.kind.name), .text(finding.url), finding.status.map { .integer(Int64($0)) } ?? .null,
                finding.error.map(SQLValue.text) ?? .null, finding.foundOn.map(SQLValue.text) ?? .null,
                finding.line.map { .integer(Int64($0)) } ?? .null,
            ])
        }
        try printer.finish()
    case .markdown:
        try output.write(
            """
            **logbook** crawl of run \(summary.runID): \(summary.deadURLs) dead, \(summary.pages) pages, \
            \(summary.urls) URLs\(summary.brokenFragments == 0 ? "" : ", \(summary.brokenFragments) broken fragments")\
            \(summary.completed ? "" : " (interrupted)")


            """)
        var shown = 0
        try summary.forEachFinding(in: connection) { finding in
            if shown == 0 { try output.write("| page | line | link | why |\n|---|---|---|---|\n") }
            shown += 1
            guard shown <= markdownRows else { return }
            let cells = [
                finding.foundOn ?? "(the start URL)", finding.line.map(String.init) ?? "", finding.url, finding.why,
            ]
            try output.write("| " + cells.map(\.markdownCell).joined(separator: " | ") + " |\n")
        }
        if shown > markdownRows {
            try output.write("\n\(shown - markdownRows) more: `logbook links \(summary.runID)` lists them all.\n")
        }
    case .github:
        try summary.forEachFinding(in: connection) { finding in
            var properties = ["title=\(finding.kind == .deadLink ? "Dead link" : "Broken fragment")"]
            if let page = finding.foundOn { properties.insert("file=\(page)", at: 0) }
            if let line = finding.line { properties.insert("line=\(line)", at: properties.count - 1) }
            try output.write(
                "::error \(properties.map(\.annotationProperty).joined(separator: ","))::"
                    + "\(finding.url) \(finding.why)".annotationData + "\n")
        }
    }
    try output.flush()
    if !summary.completed, asRecorded {
        printError("logbook: run \(summary.runID) was interrupted: these are its findings so far")
    } else if !summary.completed {
        printError("logbook: stopped; continue with: logbook resume \(summary.runID) --db \(database)")
        throw ExitCode(ExitStatus.interrupted)
    }
    if summary.hasFindings { throw ExitCode(ExitStatus.findings) }
}

/// Rows a markdown table shows at most: a pull-request comment holds 65,536 characters.
private let markdownRows = 200

extension CrawlFinding {
    /// Why it is a finding, in words: the HTTP status, else the error.
    var why: String { status.map { "HTTP \($0)" } ?? error ?? "?" }

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

extension CrawlFinding.Kind {
    var name: String {
        switch self {
        case .deadLink: "dead link"
        case .brokenFragment: "broken fragment"
        }
    }
}

extension String {
    /// Text in a markdown table cell: pipes escaped, line breaks as spaces,
    /// and no markup of its own (a URL is shown as written, in code).
    var markdownCell: String {
        let flat = replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        return flat.isEmpty
            ? "" : "`" + flat.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// A workflow command's message, escaped as GitHub's runner reads it.
    var annotationData: String {
        replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A workflow command's `name=value` property, escaped as GitHub's runner reads it.
    var annotationProperty: String {
        guard let equals = firstIndex(of: "=") else { return self }
        return String(self[...equals])
            + String(self[index(after: equals)...]).annotationData.replacingOccurrences(of: ":", with: "%3A")
            .replacingOccurrences(of: ",", with: "%2C")
    }
}
