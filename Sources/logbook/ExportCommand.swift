import ArgumentParser
import Foundation
import LogbookCompare
import LogbookStore

/// `logbook export RUN --to FILE`: a run of any database copied into an
/// SQLite file, where every command that reads files reads it: one set of
/// readers, for PostgreSQL runs too.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Copy a run into an SQLite file, from PostgreSQL or another SQLite file.",
        discussion: """
            The run, a crawl or a simulation, is added to FILE as a new run beside the runs FILE holds \
            (FILE is created when missing), with its settings, status and every row; its id and its \
            URLs' ids are FILE's next free ones. `links`, `diff`, `report`, `plot` and `query` then read \
            it as any run: this is how a PostgreSQL run is compared, reported and plotted. A run still \
            being written is copied as it was at one moment. The source is only read; FILE gets the \
            run in one transaction, whole or not at all. Columns only PostgreSQL has (a shared crawl's \
            leases) are left out.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(
        name: .customLong("to"),
        help: ArgumentHelp("The SQLite file to add the run to (created when missing).", valueName: "file"))
    var target: String
    @Argument(help: "The run's id (`logbook runs` lists them).") var runID: Int64

    func validate() throws {
        if DatabaseLocation.isPostgres(target) {
            throw ValidationError(
                "--to must name an SQLite file: export copies a run out of PostgreSQL into a file, not into PostgreSQL")
        }
    }

    func run() throws {
        let source = database.path
        if isSameFile(source, target) {
            throw UsageError("--to \(target) is the database the run is read from (--db); give another file")
        }
        let connection = try Connection(path: source, mode: .readOnly)
        try connection.requireCurrentSchema()
        let copy = try connection.snapshot {
            guard let run = try connection.runs(id: runID).first else {
                throw UsageError("\(source): there is no run \(runID)")
            }
            guard let tables = RunTable.of(run.kind) else {
                throw UsageError("\(source): run \(runID) is a \(run.kind), which export does not know")
            }
            return try RunCopy(of: run, tables: tables, from: connection)
        }
        let recorder = try Recorder(path: target)
        let id = try recorder.ask(copy)
        try recorder.close()
        printError("exported run \(runID) of \(source) as run \(id) of \(target)")
    }

    /// True when both paths name one existing file, also through links or another path.
    private func isSameFile(_ first: String, _ second: String) -> Bool {
        guard !DatabaseLocation.isPostgres(first) else { return false }
        var one = stat(), other = stat()
        return stat(first, &one) == 0 && stat(second, &other) == 0 && one.st_dev == other.st_dev
            && one.st_ino == other.st_ino
    }
}
