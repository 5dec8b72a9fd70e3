internal import CSQLite
import Foundation

/// One SQLite connection, used by one thread at a time.
///
/// A read-write connection is owned by the `Recorder`'s writer thread; every
/// other user opens a `.readOnly` one. Not `Sendable`: a connection moves
/// between threads only by being created on the thread that uses it.
public final class Connection {
    public enum Mode: Sendable {
        /// Creates the file if missing; WAL, synchronous=NORMAL, foreign keys on.
        case readWrite
        /// Never creates or changes the file; refuses a missing one.
        case readOnly
    }

    /// The database file, as given.
    public let path: String
    public let mode: Mode
    package let handle: OpaquePointer
    private var cache: [CacheKey: Statement] = [:]

    public init(path: String, mode: Mode, busyTimeout: Duration = .seconds(10)) throws {
        self.path = path
        self.mode = mode
        if mode == .readOnly, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.missingDatabase, path: path,
                             message: "no database here (`logbook init` or a crawl or simulation creates one)")
        }
        let flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            | (mode == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError(.sqlite, path: path, message: "cannot open: \(message)",
                             resultCode: ResultCode(rawValue: code))
        }
        handle = db
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: milliseconds))
        switch mode {
        case .readWrite:
            if sqlite3_db_readonly(db, "main") == 1 {
                throw StoreError(.sqlite, path: path, message: "the file is read-only; logbook needs to write to it",
                                 resultCode: .readOnly)
            }
            try execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        case .readOnly:
            sqlite3_set_authorizer(db, readOnlyAuthorizer, nil)
            // Reading the schema now turns a file of random bytes into an error at open.
            try execute("SELECT count(*) FROM sqlite_schema")
        }
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError(.sqlite, path: path, message: text, resultCode: ResultCode(rawValue: code))
        }
    }

    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql, persistent: false)
    }

    /// A statement prepared once per connection and reused: the writer's hot
    /// path. The statement comes back reset, with no bindings. A literal is
    /// found by its address, so a lookup per row costs next to nothing.
    public func cached(_ sql: StaticString) throws -> Statement {
        try cached(.address(UInt(bitPattern: sql.utf8Start)), sql.description)
    }

    /// A statement built at run time, prepared once per connection and reused.
    public func cached(_ sql: String) throws -> Statement {
        try cached(.text(sql), sql)
    }

    private enum CacheKey: Hashable {
        case address(UInt)
        case text(String)
    }

    private func cached(_ key: CacheKey, _ sql: String) throws -> Statement {
        if let statement = cache[key] {
            statement.reset()
            return statement
        }
        let statement = try Statement(connection: self, sql: sql, persistent: true)
        cache[key] = statement
        return statement
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: committed if it returns,
    /// rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Rolls back the open transaction, if any.
    public func rollback() {
        if sqlite3_get_autocommit(handle) == 0 {
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
        }
    }

    /// The rowid of the last row inserted on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The first column of the first row, or nil when there is no row.
    public func scalar(_ sql: String) throws -> SQLValue? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.value(0) : nil
    }

    func error(_ code: Int32, _ context: String? = nil) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        return StoreError(.sqlite, path: path, message: context.map { "\($0): \(message)" } ?? message,
                          resultCode: ResultCode(rawValue: code))
    }
}

@available(*, unavailable)
extension Connection: Sendable {}

/// Denies what a read-only connection must not do even though SQLite would
/// call it reading: ATTACH and DETACH, and PRAGMAs that set a value.
private func readOnlyAuthorizer(
    _: UnsafeMutableRawPointer?, _ action: Int32,
    _ first: UnsafePointer<CChar>?, _ second: UnsafePointer<CChar>?,
    _: UnsafePointer<CChar>?, _: UnsafePointer<CChar>?
) -> Int32 {
    switch action {
    case SQLITE_ATTACH, SQLITE_DETACH:
        return SQLITE_DENY
    case SQLITE_PRAGMA where second != nil:
        let name = first.map { String(cString: $0).lowercased() } ?? ""
        return pragmasReadingAnArgument.contains(name) ? SQLITE_OK : SQLITE_DENY
    default:
        return SQLITE_OK
    }
}

/// PRAGMAs whose argument names what to read rather than a value to set.
private let pragmasReadingAnArgument: Set<String> = [
    "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
]
