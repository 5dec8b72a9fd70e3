internal import CSQLite

/// A prepared statement that owns its `sqlite3_stmt` and finalizes it, or,
/// on a PostgreSQL connection, its `PostgresStatement`.
///
/// Binds and columns are typed; indexes are SQLite's: binds count from 1,
/// columns from 0. Used on the thread that owns its connection.
public final class Statement {
    /// SQLite's statement and connection; nil on PostgreSQL.
    let handle: OpaquePointer?
    private let database: OpaquePointer?
    let postgres: PostgresStatement?
    private let path: String
    /// The connection, kept open while the statement lives: a reader's
    /// connection tidies its folder when it closes, which it can only do
    /// once no statement of it is left. Nil for the connection's own cache.
    private let owner: Connection?
    /// The columns read by name so far, by their name literal (see `columnIndex`).
    /// Unchecked: a statement is used by one thread, and the check cost a
    /// tenth of a million-row read.
    @exclusivity(unchecked) var columnsByName: [(key: UInt, index: Int)] = []
    @exclusivity(unchecked) var nextLookup = 0

    convenience init(connection: Connection, sql: String, persistent: Bool) throws {
        if let session = connection.postgres {
            self.init(try PostgresStatement(session: session, sql: sql, persistent: persistent), connection: connection)
            return
        }
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw connection.error(code == SQLITE_OK ? SQLITE_MISUSE : code)
        }
        self.init(handle: statement, connection: connection, cached: persistent)
    }

    /// Takes ownership of a statement prepared on `connection`; one kept in
    /// the connection's cache does not keep the connection alive.
    init(handle: OpaquePointer, connection: Connection, cached: Bool = false) {
        self.handle = handle
        database = connection.handle
        postgres = nil
        path = connection.path
        owner = cached ? nil : connection
    }

    init(_ statement: PostgresStatement, connection: Connection) {
        handle = nil
        database = nil
        postgres = statement
        path = connection.path
        owner = connection
    }

    deinit { if handle != nil { sqlite3_finalize(handle) } }

    /// True when the statement cannot change the database file.
    public var isReadOnly: Bool { postgres == nil && sqlite3_stmt_readonly(handle) != 0 }

    // MARK: Binding

    public func bind(_ value: Int64, at index: Int) throws {
        if let postgres { return postgres.bind(String(value), at: index) }
        try check(sqlite3_bind_int64(handle, Int32(index), value))
    }

    public func bind(_ value: Int, at index: Int) throws {
        try bind(Int64(value), at: index)
    }

    public func bind(_ value: Double, at index: Int) throws {
        if let postgres { return postgres.bind(value.postgresText, at: index) }
        try check(sqlite3_bind_double(handle, Int32(index), value))
    }

    /// Bound by its length, so a NUL byte inside the text does not end it.
    public func bind(_ value: String, at index: Int) throws {
        if let postgres { return postgres.bind(value, at: index) }
        var value = value
        try check(
            value.withUTF8 { sqlite3_bind_text(handle, Int32(index), $0.baseAddress, Int32($0.count), transient) })
    }

    public func bind(_ value: SQLValue, at index: Int) throws {
        if let postgres, case .null = value { return postgres.bind(nil, at: index) }
        if let postgres, case .blob(let bytes) = value { return postgres.bind(bytes.postgresHex, at: index) }
        switch value {
        case .null: try check(sqlite3_bind_null(handle, Int32(index)))
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v):
            try check(
                v.withUnsafeBytes {
                    sqlite3_bind_blob64(handle, Int32(index), $0.baseAddress, UInt64($0.count), transient)
                })
        }
    }

    // MARK: Stepping

    /// Advances to the next row; false when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        if let postgres { return try postgres.step() }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = StoreError(
                .sqlite, path: path, message: describe(code, on: database),
                resultCode: ResultCode(rawValue: code), sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps until done, for statements that return no rows, then resets.
    public func run() throws {
        defer { rewind() }
        while try step() {}
    }

    /// Rewinds the statement and clears its bindings.
    public func reset() {
        if let postgres { return postgres.reset() }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Rewinds the statement, keeping its bindings.
    func rewind() {
        if let postgres { return postgres.rewind() }
        sqlite3_reset(handle)
    }

    // MARK: Columns

    public var columnCount: Int { postgres?.columnCount ?? Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String {
        if let postgres { return postgres.columnName(index) }
        return sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    public func int64(_ index: Int) -> Int64 {
        if let postgres { return postgres.int64(index) }
        return sqlite3_column_int64(handle, Int32(index))
    }

    public func double(_ index: Int) -> Double {
        if let postgres { return postgres.double(index) }
        return sqlite3_column_double(handle, Int32(index))
    }

    /// The column as an integer, or nil when it is NULL.
    public func optionalInt64(_ index: Int) -> Int64? { isNull(index) ? nil : int64(index) }

    /// The column as a real, or nil when it is NULL.
    public func optionalDouble(_ index: Int) -> Double? { isNull(index) ? nil : double(index) }

    @usableFromInline func isNull(_ index: Int) -> Bool {
        if let postgres { return postgres.isNull(index) }
        return sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// The column as text, or nil when it is NULL. Read by its length, so a
    /// NUL byte inside the text does not end it.
    public func text(_ index: Int) -> String? {
        if let postgres { return postgres.text(index) }
        guard let text = sqlite3_column_text(handle, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func value(_ index: Int) -> SQLValue {
        if let postgres { return postgres.value(index) }
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(text(index) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// The SQL the statement was prepared from.
    public var sql: String { postgres?.original ?? sqlite3_sql(handle).map { String(cString: $0) } ?? "" }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            throw StoreError(
                .sqlite, path: path, message: describe(code, on: database),
                resultCode: ResultCode(rawValue: code), sql: sql)
        }
    }

    /// A row that cannot be read as asked: a programming error, reported with the SQL.
    @usableFromInline func readError(_ message: String) -> StoreError {
        StoreError(.unreadableRow, path: path, message: "\(message), in: \(sql)", sql: sql)
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

/// SQLITE_TRANSIENT, a macro Swift does not import: SQLite copies the bytes.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
