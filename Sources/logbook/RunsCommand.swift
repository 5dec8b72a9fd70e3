import ArgumentParser
import LogbookCompare
import LogbookStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs: id, kind, status, start and finish times, a one-line summary.",
        discussion: """
            `later` is the next run of the same site (crawls) or the same particles (simulations), \
            if any: `logbook diff ID LATER` shows what changed. A run whose process on this host \
            is gone though its row says running is listed interrupted, as `resume` takes it.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() throws {
        let connection = try Connection(path: database.path, mode: .readOnly)
        try connection.requireCurrentSchema()
        let printer = try ResultPrinter(
            columns: ["id", "kind", "status", "started", "finished", "later", "summary"], format: format)
        let runs = try connection.runs()
        let later = runs.laterRuns()
        for run in runs {
            try printer.row([
                .integer(run.id), .text(run.kind.rawValue), .text(run.shownStatus(databaseAt: database.path).rawValue),
                .text(run.startedAt),
                run.finishedAt.map(SQLValue.text) ?? .null,
                later[run.id].map(SQLValue.integer) ?? .null, run.summary.map(SQLValue.text) ?? .null,
            ])
        }
        try printer.finish()
    }
}
