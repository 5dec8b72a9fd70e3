import ArgumentParser
import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore

/// Writes a crawl's findings in `format`, then counts; the exit code says
/// whether any link is dead. The links are read from the database as they are
/// written (`forEachFinding`, `forEachCheckedLink`) and written in chunks, so
/// a million take the memory one does. `destination`: a file (`--output`),
/// replaced whole once everything is written; else standard output.
/// `asRecorded`: the run is printed again (`logbook links`), not just ended,
/// so an interrupted one is said to be partial rather than to be resumed.
func report(
    _ summary: CrawlSummary, format: CrawlCommand.Format, database: String, to destination: OutputFile? = nil,
    asRecorded: Bool = false
) throws {
    let connection = try Connection(path: database, mode: .readOnly)
    try writeOutput(to: destination, sparing: [database], recorded: asRecorded ? nil : summary.runID) { stream in
        try summary.write(format, from: connection, to: stream)
    }
    // Standard output is left to the file's format; a terminal still learns what happened.
    if let destination, !destination.isStandardOutput {
        printError(summary.line + "\nwrote \(destination.path)")
    }
    if !summary.completed, asRecorded {
        printError("logbook: run \(summary.runID) was interrupted: these are its findings so far")
    } else if !summary.completed, DatabaseLocation.isPostgres(database) {
        printError(
            """
            logbook: this process stopped and gave back its claims; other processes of run \(summary.runID) go on. \
            Add workers with: logbook join \(summary.runID) --db \(database) (or resume it once none crawls it)
            """)
        throw ExitCode(ExitStatus.interrupted)
    } else if !summary.completed {
        printError("logbook: stopped; continue with: logbook resume \(summary.runID) --db \(database)")
        throw ExitCode(ExitStatus.interrupted)
    }
    if summary.hasFindings { throw ExitCode(ExitStatus.findings) }
}

/// Writes what `body` writes to `destination` (standard output when nil). A
/// file that cannot be written is a runtime failure naming `--output`; for a
/// crawl just recorded (`recorded`), the message says how to write its
/// findings again without crawling.
func writeOutput(
    to destination: OutputFile?, sparing databases: [String], recorded runID: Int64? = nil,
    _ body: (StandardStream) throws -> Void
) throws {
    guard let destination else { return try body(.output) }
    let again = runID.map { "; run \($0) is recorded: `logbook links \($0) --output FILE` writes it again" } ?? ""
    try naming(again) { try destination.asFindingsOutput.write(sparing: databases, body) }
}

/// Refuses `destination` as `writeOutput` would, before a crawl rather
/// than after it: a mistyped `--output` costs no crawl.
func checkOutput(_ destination: OutputFile?, sparing databases: [String]) throws {
    try naming("") { try destination?.asFindingsOutput.check(sparing: databases) }
}

/// A file `--output` cannot write as a runtime failure naming the flag.
private func naming(_ suffix: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as OutputError where error.target != StandardStream.output.name {
        throw OutputRefusal(description: "--output: \(error.description)\(suffix)")
    }
}

extension OutputFile {
    /// The file of `--output`, named so in its messages.
    var asFindingsOutput: OutputFile {
        var file = self
        file.flag = "--output"
        return file
    }
}

/// Visits findings in the order they are written: a crawl's, read from its
/// database while they are visited, or a diff's, from memory.
typealias Findings = ((CrawlFinding) throws -> Void) throws -> Void

extension CrawlSummary {
    /// The text format's last line: what the run found, in counts.
    fileprivate var line: String {
        """
        run \(runID): crawl \(completed ? "completed" : "interrupted") in \
        \(String(format: "%.1f", seconds)) s: \(pages) pages, \(urls) URLs, \
        \(ok) ok, \(deadURLs) dead, \(redirectsNotFollowed) redirects not followed, \
        \(notChecked) not checked\(brokenFragments == 0 ? "" : ", \(brokenFragments) broken fragments")\
        \(reused == 0 ? "" : ", \(reused) reused from an earlier run")
        """
    }

    /// The run's findings in `format`.
    fileprivate func write(_ format: CrawlCommand.Format, from connection: Connection, to stream: StandardStream) throws
    {
        let output = BufferedOutput(stream)
        let findings: Findings = { try forEachFinding(in: connection, Set(CrawlFinding.Kind.allCases), $0) }
        switch format {
        case .text:
            var page: String?
            try findings { finding in
                let referrer = finding.foundOn ?? "(the start URL)"
                if referrer != page {
                    try output.write("\(referrer)\n")
                    page = referrer
                }
                try output.write("  \(finding.line.map { "line \($0): " } ?? "")\(finding.url)  \(finding.why)\n")
            }
            try output.write(line + "\n")
        case .json:
            // One object with its keys sorted, laid out as JSONSerialization's
            // pretty printing laid it out when the report was built in memory.
            func array(of kind: CrawlFinding.Kind) throws {
                var opening = "["
                try forEachFinding(in: connection, [kind]) { finding in
                    try output.write(opening + "\n    " + finding.json)
                    opening = ","
                }
                try output.write(opening == "[" ? "[]" : "\n  ]")
            }
            try output.write("{\n  \"broken_fragments\" : ")
            try array(of: .brokenFragment)
            try output.write(",\n  \"completed\" : \(completed),\n  \"dead\" : ")
            try array(of: .deadLink)
            try output.write(
                """
                ,
                  "ok" : \(ok),
                  "pages" : \(pages),
                  "run" : \(runID),
                  "seconds" : \(SQLValue.real(seconds).jsonText),
                  "urls" : \(urls)
                }

                """)
        case .csv:
            try FindingReport.csv(findings, to: stream)
        case .markdown:
            try output.write(
                """
                **logbook** crawl of run \(runID): \(deadURLs) dead, \(pages) pages, \
                \(urls) URLs\(brokenFragments == 0 ? "" : ", \(brokenFragments) broken fragments")\
                \(completed ? "" : " (interrupted)")


                """)
            try FindingReport.markdownTable(findings, listedBy: "logbook links \(runID)", to: output)
        case .github:
            try FindingReport.github(findings, locating: PageLocations(run: runID, in: connection).locate, to: output)
        case .junit:
            try JUnitReport.crawl(
                self, from: connection, locating: PageLocations(run: runID, in: connection).locate, to: output)
        case .sarif:
            try SARIFLog.write(findings, locating: PageLocations(run: runID, in: connection).locate, to: output)
        }
        try output.flush()
    }
}

/// The findings formats `crawl` and `diff` share, each over `Findings`.
enum FindingReport {
    /// One row per finding, RFC 4180, through the printer `query` uses.
    static func csv(_ findings: Findings, to stream: StandardStream) throws {
        let printer = try ResultPrinter(
            columns: ["kind", "url", "status", "error", "found_on", "line"], format: .csv, to: stream)
        try findings { finding in
            try printer.row([
                .text(finding.kind.name), .text(finding.url), finding.status.map { .integer(Int64($0)) } ?? .null,
                finding.error.map(SQLValue.text) ?? .null, finding.foundOn.map(SQLValue.text) ?? .null,
                finding.line.map { .integer(Int64($0)) } ?? .null,
            ])
        }
        try printer.finish()
    }

    /// A table of at most `markdownRows` findings, saying how many more
    /// there are and which command (`listedBy`) lists them all.
    static func markdownTable(_ findings: Findings, listedBy command: String, to output: BufferedOutput) throws {
        var shown = 0
        try findings { finding in
            if shown == 0 { try output.write("| page | line | link | why |\n|---|---|---|---|\n") }
            shown += 1
            guard shown <= markdownRows else { return }
            let cells = [
                finding.foundOn ?? "(the start URL)", finding.line.map(String.init) ?? "", finding.url, finding.why,
            ]
            try output.write("| " + cells.map(\.markdownCell).joined(separator: " | ") + " |\n")
        }
        if shown > markdownRows {
            try output.write("\n\(shown - markdownRows) more: `\(command)` lists them all.\n")
        }
    }

    /// A GitHub Actions `::error` workflow command per finding, on its page and line.
    static func github(
        _ findings: Findings, locating locate: @escaping (String) -> PageLocation, to output: BufferedOutput
    ) throws {
        try findings { finding in
            var properties = ["title=\(finding.kind == .deadLink ? "Dead link" : "Broken fragment")"]
            if let page = finding.foundOn { properties.insert("file=\(locate(page).annotationFile)", at: 0) }
            if let line = finding.line { properties.insert("line=\(line)", at: properties.count - 1) }
            try output.write(
                "::error \(properties.map(\.annotationProperty).joined(separator: ","))::"
                    + "\(finding.url) \(finding.why)".annotationData + "\n")
        }
    }

    /// Rows a markdown table shows at most: a pull-request comment holds 65,536 characters.
    static let markdownRows = 200
}

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

    /// The rule a SARIF result and a JUnit failure name: `dead-link`, `broken-fragment`.
    var ruleID: String { name.replacingOccurrences(of: " ", with: "-") }
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
