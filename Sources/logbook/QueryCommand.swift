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
    // Everything that is not a flag of this command, so that SQL starting
    // with "-" ("-- a comment", "-1 + 2") is the statement, not a flag.
    @Argument(
        parsing: .allUnrecognized,
        help: "One SQL statement, e.g. \"SELECT * FROM runs\"; - reads it from standard input.")
    var statement: [String] = []

    /// The statement or "-"; nil with --file.
    private var sql: String? { statement.first }

    func validate() throws {
        switch (statement.count, file) {
        case (0, nil): throw ValidationError("give the SQL statement, --file PATH, or - to read it from standard input")
        case (1, .some): throw ValidationError("give the SQL statement or --file, not both")
        case (2..., _): throw ValidationError("give one SQL statement, quoted as one argument")
        default: break
        }
    }

    /// Longer SQL is refused before it is all read: no query is that long
    /// (SQLite's own limit is 1e9 bytes), but /dev/zero or `yes |` are endless.
    static let maximumSQLLength = 100_000_000

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
                    while !StopSignal.requested(), try statement.stepQuery() {
                        try printer.row(columns.indices.map(statement.value))
                    }
                }
            }
        } catch  where StopSignal.requested() {
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

    /// Reads to the end, at most `maximumSQLLength` bytes.
    private func readAll(_ descriptor: Int32, naming name: String) throws -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            if count > 0 { bytes += chunk[..<count] } else if errno != EINTR { throw unreadable(name, errno) }
            if bytes.count > Self.maximumSQLLength {
                throw UsageError(
                    "the SQL from \(name) is longer than \(Self.maximumSQLLength) bytes, more than logbook reads")
            }
        }
    }

    private func unreadable(_ name: String, _ code: Int32) -> UsageError {
        UsageError("cannot read the SQL from \(name): \(String(cString: strerror(code)))")
    }
}
