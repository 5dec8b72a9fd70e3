import ArgumentParser
import CrawlSchema
import LogbookCrawl
import LogbookStore

/// `logbook links [RUN]`: a recorded crawl's findings again, in any of
/// crawl's formats, read from the database without a request.
struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Print a recorded crawl's dead links again, in any format, without crawling.",
        discussion: """
            Prints what `crawl` printed at its end, read from the database: for a CI job that crawled \
            once and reports in several formats. Exit code 1 when any link is dead, as for crawl; a \
            crawl that was interrupted prints what it found so far and says so.
            """)

    @OptionGroup var database: DatabaseOption
    @OptionGroup var configFile: ConfigFileOption
    @Argument(help: "The crawl's id (default: the latest crawl).") var runID: Int64?
    @Option(help: "text, json, csv, markdown, github, junit or sarif.") var format: CrawlCommand.Format = .text
    @Option(
        help: ArgumentHelp(
            "Write the findings to this file (replaced whole) instead of standard output.", valueName: "file"))
    var output: OutputFile?

    func validate() throws { try output?.asFindingsOutput.requirePath() }

    func run() throws {
        let connection = try Connection(path: database.path, mode: .readOnly)
        try connection.requireCurrentSchema()
        guard let run = try connection.runs(id: runID).last(where: { runID != nil || $0.kind == .crawl }) else {
            throw UsageError(
                runID.map { "\(database.path): there is no run \($0)" } ?? "\(database.path): there is no crawl")
        }
        guard run.kind == .crawl else {
            throw UsageError("\(database.path): run \(run.id) is a \(run.kind), not a crawl")
        }
        try report(
            CrawlSummary(recorded: run, path: database.path), format: format, database: database.path, to: output,
            asRecorded: true)
    }
}
