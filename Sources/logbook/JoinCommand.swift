import ArgumentParser
import CrawlSchema
import LogbookCrawl
import LogbookStore

/// `--lease`: how long a process's claims on URLs of a shared crawl last
/// without news from it, for crawl, resume and join on PostgreSQL.
struct LeaseOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            On PostgreSQL: how long URLs this process claimed stay its own without news from it (it renews \
            them while it lives); then other processes take them: 30s (default), 2m; at least 2s.
            """, valueName: "time"))
    var lease: Age?

    func validate() throws {
        if let lease, lease.seconds < 2 {
            throw ValidationError(
                """
                --lease must be at least 2s: a process renews its claims every third of it, and a shorter one \
                would end while the process is at work
                """)
        }
    }

    var duration: Duration { lease.map { .seconds($0.seconds) } ?? CrawlMember.defaultLease }
}

struct JoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Add this process's workers to a crawl shared through PostgreSQL.",
        discussion: """
            Run on any host that reaches the database and the site: the process claims batches of the \
            run's queued URLs beside the others, with the run's recorded settings, and exits when the \
            whole crawl is done. A process that dies or is cut off loses its claims when its lease \
            ends, and the others take its URLs. Ctrl-C gives this process's claims back at once.
            """)

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The crawl to join.") var runID: Int64
    @OptionGroup var lease: LeaseOption
    @Flag(help: "No progress line.") var quiet = false
    @Option(help: "text, json, csv, markdown, github, junit or sarif, as for crawl.")
    var format: CrawlCommand.Format = .text
    @Option(help: ArgumentHelp("Write the findings to this file, as for crawl.", valueName: "file"))
    var output: OutputFile?

    func validate() throws { try output?.asFindingsOutput.requirePath() }

    func run() throws {
        try checkOutput(output, sparing: [database.path])
        let recorder = try Recorder(path: database.path, options: Crawl.recorderOptions(for: database.path))
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Crawl.join(
                runID, credentials: .fromEnvironment, recorder: recorder,
                hooks: CrawlHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }),
                lease: lease.duration)
        }
        try report(summary, format: format, database: database.path, to: output)
    }
}
