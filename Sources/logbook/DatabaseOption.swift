import ArgumentParser
import Foundation

/// `--db PATH`, shared by every command that touches a database.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            """
            The database file (default: $LOGBOOK_DB, else logbook.sqlite in the current folder), or a \
            PostgreSQL database shared by many processes: postgres://user@host:port/dbname.
            """,
            valueName: "path"))
    var db: String?

    var path: String {
        if let db { return db }
        if let path = ProcessInfo.processInfo.environment["LOGBOOK_DB"], !path.isEmpty { return path }
        return "logbook.sqlite"
    }
}
