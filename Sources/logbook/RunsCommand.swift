import ArgumentParser
import LogbookStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs: id, kind, status, start and finish times, a one-line summary.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() throws {
        let connection = try Connection(path: database.path, mode: .readOnly)
        let printer = ResultPrinter(columns: ["id", "kind", "status", "started", "finished", "summary"], format: format)
        for run in try connection.runs() {
            printer.row([
                .integer(run.id), .text(run.kind.rawValue), .text(run.status.rawValue), .text(run.startedAt),
                run.finishedAt.map(SQLValue.text) ?? .null, run.summary.map(SQLValue.text) ?? .null,
            ])
        }
        printer.finish()
    }
}
