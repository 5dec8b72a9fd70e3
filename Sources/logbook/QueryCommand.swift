import ArgumentParser
import Glibc
import LogbookStore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement and print its rows.",
        discussion: """
            The database is opened read-only: statements that would write (INSERT, UPDATE, \
            DELETE, CREATE, ATTACH, PRAGMAs that set a value…) are refused, and the file is \
            left unchanged. SQL too long for the command line comes from --file PATH, or from \
            standard input with -. Ctrl-C stops a running statement (exit 130).
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "table, csv (RFC 4180) or json (an array of objects).") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Read the statement from this file.", valueName: "path")) var file: String?
    @Argument(help: "One SQL statement, e.g. \"SELECT * FROM runs\"; - reads it from standard input.") var sql: String?

    func validate() throws {
        switch (sql, file) {
        case (nil, nil): throw ValidationError("give the SQL statement, --file PATH, or - to read it from standard input")
        case (.some, .some): throw ValidationError("give the SQL statement or --file, not both")
        default: break
        }
    }

    func run() throws {
        let text = try statementText()
        let connection = try Connection(path: database.path, mode: .readOnly)
        try connection.requireCurrentSchema()
        let statement = try connection.prepareQuery(text)
        let columns = (0..<statement.columnCount).map(statement.columnName)
        let printer = try ResultPrinter(columns: columns, format: format)
        do {
            try StopSignal.handled {
                try connection.interrupting(when: StopSignal.requested) {
                    while !StopSignal.requested(), try statement.step() {
                        try printer.row(columns.indices.map(statement.value))
                    }
                }
            }
        } catch where StopSignal.requested() {
            // The statement failed because it was interrupted.
        }
        if StopSignal.requested() {
            printError("logbook: query stopped by a signal")
            throw ExitCode(ExitStatus.interrupted)
        }
        try printer.finish()
    }

    /// The statement: the argument, the file given with --file, or standard input for "-".
    private func statementText() throws -> String {
        switch (sql, file) {
        case ("-", nil): return try readAll(STDIN_FILENO, naming: "standard input")
        case (let sql?, nil): return sql
        case (nil, let file?):
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw unreadable(file, errno) }
            defer { close(descriptor) }
            return try readAll(descriptor, naming: file)
        default: preconditionFailure("validate() allows exactly one source")
        }
    }

    private func readAll(_ descriptor: Int32, naming name: String) throws -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            if count > 0 { bytes += chunk[..<count] } else if errno != EINTR { throw unreadable(name, errno) }
        }
    }

    private func unreadable(_ name: String, _ code: Int32) -> ValidationError {
        ValidationError("cannot read the SQL from \(name): \(String(cString: strerror(code)))")
    }
}
