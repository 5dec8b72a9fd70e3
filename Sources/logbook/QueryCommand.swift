import ArgumentParser
import LogbookStore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement and print its rows.",
        discussion: """
            The database is opened read-only: statements that would write (INSERT, UPDATE, \
            DELETE, CREATE, ATTACH, PRAGMAs that set a value…) are refused, and the file is \
            left unchanged.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "table, csv (RFC 4180) or json (an array of objects).") var format: OutputFormat = .table
    @Argument(help: "One SQL statement, e.g. \"SELECT * FROM runs\".") var sql: String

    func run() throws {
        let connection = try Connection(path: database.path, mode: .readOnly)
        let statement = try connection.prepareQuery(sql)
        let columns = (0..<statement.columnCount).map(statement.columnName)
        let printer = try ResultPrinter(columns: columns, format: format)
        while try statement.step() {
            try printer.row(columns.indices.map(statement.value))
        }
        try printer.finish()
    }
}
