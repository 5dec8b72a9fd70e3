internal import CSQLite
import Foundation

/// One SQLite connection, used by one thread at a time; or, when the path
/// is a `postgres://` URL, one PostgreSQL connection behind the same API
/// (see `PostgresSession`), so records and readers are written once.
///
/// A read-write connection is owned by the `Recorder`'s writer thread; every
/// other user opens a `.readOnly` one. Not `Sendable`: a connection moves
/// between threads only by being created on the thread that uses it.
public final class Connection {
    public enum Mode: Sendable {
        /// Creates the file if missing; synchronous=NORMAL, foreign keys on.
        /// `migrate` puts the file in WAL mode once it knows the file is logbook's.
        case readWrite
        /// Never creates or changes the file; refuses a missing one. The
        /// folder holds the same files after the connection closes as before.
        case readOnly
    }

    /// The database file, as given.
    public let path: String
    public let mode: Mode
    /// SQLite's connection; nil on PostgreSQL.
    package let handle: OpaquePointer?
    /// The PostgreSQL connection; nil on SQLite.
    let postgres: PostgresSession?
    private var cache: [CacheKey: Statement] = [:]
    private var memos: [ObjectIdentifier: AnyObject] = [:]
    /// Set for a reader that may leave the `-wal` and `-shm` SQLite made for
    /// it: it removes them on close when no one else has the file open.
    private let file: DatabaseFile?
    private let busyTimeout: Duration

    public init(path: String, mode: Mode, busyTimeout: Duration = .seconds(10)) throws {
        self.path = path
        self.mode = mode
        self.busyTimeout = busyTimeout
        if DatabaseLocation.isPostgres(path) {
            let session = try PostgresSession(url: path)
            handle = nil
            postgres = session
            self.file = nil
            // Readers' transactions are read-only: a query cannot write, whatever it calls.
            // A writer stopped inside a transaction (SIGSTOP, a paused VM) would hold its row
            // locks and stall every other process of a shared crawl: the server ends it instead.
            try session.execute(
                mode == .readOnly
                    // …and a query whose client died (kill -9) stops within a second.
                    ? "SET default_transaction_read_only = on; SET client_connection_check_interval = '1s'"
                    : "SET idle_in_transaction_session_timeout = '5s'")
            return
        }
        postgres = nil
        let file = try DatabaseFile(path, mayBeAbsent: mode == .readWrite)
        let uri: String
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI
        switch mode {
        case .readWrite:
            uri = file.uri()
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            self.file = nil
        case .readOnly:
            // See ARCHITECTURE.md, "Readers": a log means a writer may be at
            // work, so share its log and locks; without one, either make
            // them as any SQLite reader does and remove them again, or, where
            // that is not ours to do, read the file as it is on disk.
            let tidies = file.mayCreateSideFiles
            uri = file.uri(file.hasWAL || tidies ? nil : "immutable=1")
            flags |= SQLITE_OPEN_READONLY
            self.file = tidies ? file : nil
        }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(uri, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { describe(code, on: $0) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError(
                .sqlite, path: path, message: "cannot open: \(message)",
                resultCode: ResultCode(rawValue: code))
        }
        handle = db
        let milliseconds =
            busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: milliseconds))
        switch mode {
        case .readWrite:
            if sqlite3_db_readonly(db, "main") == 1 {
                throw StoreError(
                    .sqlite, path: path, message: "the file is read-only; logbook needs to write to it",
                    resultCode: .readOnly)
            }
            // A statement that writes several rows inside a transaction keeps
            // a journal of the pages it changes, to undo itself alone: in a
            // temporary file by default, one write(2) per page per statement.
            try execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY")
            // With a chunk size, SQLite's unix VFS allocates the space a size
            // hint names (see `reserveRoom`); one page keeps the file exact.
            var chunk: Int32 = 4096
            sqlite3_file_control(db, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk)
        case .readOnly:
            sqlite3_set_authorizer(db, readOnlyAuthorizer, nil)
            // Reading the schema now turns a file of random bytes into an error at open.
            try execute("SELECT count(*) FROM sqlite_schema")
        }
    }

    deinit {
        cache.removeAll()
        guard postgres == nil else { return }
        sqlite3_close_v2(handle)
        if let file, file.hasEmptyWAL { removeSideFiles(of: file) }
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        if let postgres { return try postgres.execute(sql) }
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) + osError(code, on: handle) } ?? describe(code, on: handle)
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

    @usableFromInline
    enum CacheKey: Hashable, Sendable {
        case address(UInt)
        /// A multi-row INSERT: its table's and columns' literals, and how many rows.
        case rows(table: UInt, columns: [UInt], count: Int)
    }

    @usableFromInline
    func cached(_ key: CacheKey, _ sql: @autoclosure () -> String, clearingBindings: Bool = true) throws -> Statement {
        if let statement = cache[key] {
            clearingBindings ? statement.reset() : statement.rewind()
            return statement
        }
        let statement = try Statement(connection: self, sql: sql(), persistent: true)
        cache[key] = statement
        return statement
    }

    /// Opens a transaction that writes: `BEGIN IMMEDIATE` on SQLite, so it
    /// waits for the write lock now rather than fail on its first write.
    /// On PostgreSQL other processes write between two transactions, so
    /// what records remember (`memo`) is forgotten at each.
    public func begin() throws {
        if postgres != nil { memos.removeAll() }
        try execute(postgres == nil ? "BEGIN IMMEDIATE" : "BEGIN")
    }

    /// Runs `body` in a transaction that writes (`begin`): committed if it
    /// returns, rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Puts the file in WAL mode. Two processes converting one file at once
    /// each hold a read lock while asking for the write lock, and SQLite
    /// answers one of them SQLITE_BUSY at once rather than deadlock (its busy
    /// handler is not called then); that one tries again, up to the busy timeout.
    public func enableWAL() throws {
        guard postgres == nil else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + busyTimeout
        while true {
            do {
                guard try scalar("PRAGMA journal_mode = WAL") == .text("wal") else {
                    throw StoreError(.sqlite, path: path, message: "cannot switch the file to WAL mode")
                }
                return
            } catch let error as StoreError where error.resultCode?.primary == .busy && clock.now < deadline {
                usleep(2_000)
            }
        }
    }

    /// Runs `body`'s reads against one snapshot of the file: in a deferred
    /// transaction, or in the one already open. Separate statements outside a
    /// transaction may each see a different commit of another process.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        guard !inTransaction else { return try body() }
        try execute(postgres == nil ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ")
        defer { endTransaction() }
        return try body()
    }

    /// Sets SQLite's page cache of this connection to about `bytes`.
    public func setPageCache(bytes: Int) throws {
        guard postgres == nil else { return }
        try execute("PRAGMA cache_size = -\(max(1, bytes / 1024))")
    }

    /// Rolls back the open transaction, if any, and forgets every memo.
    public func rollback() {
        memos.removeAll()
        endTransaction()
    }

    private func endTransaction() {
        guard inTransaction else { return }
        try? execute("ROLLBACK")
    }

    private var inTransaction: Bool { postgres?.inTransaction ?? (sqlite3_get_autocommit(handle) == 0) }

    /// What records remember on this connection from one write to the next,
    /// one of each type, made by `make` on first use: e.g. the ids of rows
    /// they wrote, to find them again without a query. `rollback` drops
    /// them all, since they may name rows the rollback took away.
    public func memo<Memo: AnyObject>(_ make: () -> Memo) -> Memo {
        if let memo = memos[ObjectIdentifier(Memo.self)] as? Memo { return memo }
        let memo = make()
        memos[ObjectIdentifier(Memo.self)] = memo
        return memo
    }

    /// Makes the main file big enough for every page of the database as
    /// the open transaction leaves it, plus `extraPages`, before it commits
    /// to the log: a checkpoint then never needs space the disk may no
    /// longer have, and the extra pages are freed by a checkpoint that ends
    /// with the log copied in (SQLite truncates the file to the database).
    /// Throws SQLite's "database or disk is full" when the space is not there.
    public func reserveRoom(extraPages: Int) throws {
        guard postgres == nil else { return }
        let size = try cached("SELECT (page_count + ?) * page_size FROM pragma_page_count, pragma_page_size")
        guard var bytes = try size.bound(extraPages).scalar(Int64.self) else { return }
        errno = 0
        let code = sqlite3_file_control(handle, "main", SQLITE_FCNTL_SIZE_HINT, &bytes)
        guard code != SQLITE_OK else { return }
        // The VFS writes a byte into each new block and keeps the errno of
        // a write that fails; a build using posix_fallocate keeps none, and
        // a full disk is then by far the likeliest cause.
        let number = errno == 0 ? ENOSPC : errno
        let cause = String(cString: strerror(number))
        let full = number == ENOSPC || number == EDQUOT
        let what = full ? "database or disk is full" : "disk I/O error"
        throw StoreError(
            .sqlite, path: path, message: "\(what) (\(cause.prefix(1).lowercased() + cause.dropFirst()))",
            resultCode: full ? .full : ResultCode(rawValue: code))
    }

    /// Copies the log into the main file and waits (up to the busy timeout)
    /// for readers to leave the log, so the next write starts the log over
    /// in the space it already takes. Best effort: a reader that stays keeps
    /// the log as it is. Resets this connection's statements first: one
    /// left between rows holds a read transaction, which no checkpoint passes.
    public func checkpoint() {
        guard postgres == nil else { return }
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 { sqlite3_reset(current) }
            statement = sqlite3_next_stmt(handle, current)
        }
        sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_RESTART, nil, nil)
    }

    /// True on a PostgreSQL connection: for the few statements whose SQL
    /// differs (a claim with a lease), and what only SQLite has.
    public var isPostgres: Bool { postgres != nil }

    /// The first column of the first row, or nil when there is no row.
    public func scalar(_ sql: String) throws -> SQLValue? {
        try prepare(sql).scalar()
    }

    func error(_ code: Int32, _ context: String? = nil) -> StoreError {
        let message = describe(code, on: handle)
        return StoreError(
            .sqlite, path: path, message: context.map { "\($0): \(message)" } ?? message,
            resultCode: ResultCode(rawValue: code))
    }
}

@available(*, unavailable)
extension Connection: Sendable {}

/// SQLite's message for the last error on `db`, with the operating system's
/// cause where one is behind it ("database or disk is full (no space left on
/// device)").
func describe(_ code: Int32, on db: OpaquePointer?) -> String {
    String(cString: sqlite3_errmsg(db)) + osError(code, on: db)
}

/// " (cause)" for a failure the operating system reported, else "". A
/// write that came up short is SQLITE_FULL with no errno kept: the device
/// had no space left for it.
private func osError(_ code: Int32, on db: OpaquePointer?) -> String {
    guard [SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN].contains(code & 0xFF) else { return "" }
    var number = sqlite3_system_errno(db)
    if number == 0, code & 0xFF == SQLITE_FULL { number = ENOSPC }
    guard number != 0 else { return "" }
    let cause = String(cString: strerror(number))
    return " (" + cause.prefix(1).lowercased() + cause.dropFirst() + ")"
}

/// Removes a `-wal` that holds nothing, and its `-shm`, once no connection
/// has the database open: what SQLite's last connection does on close, which
/// a read-only connection cannot (it may not take the write lock). A
/// read-write connection that only reads does it the way SQLite does it, under
/// SQLite's exclusive lock, so no process can be opening the files meanwhile;
/// if anyone has the file open, the lock is refused and the files stay for
/// that connection's own close. The log is empty, so nothing is checkpointed.
private func removeSideFiles(of file: DatabaseFile) {
    var db: OpaquePointer?
    defer { sqlite3_close_v2(db) }
    guard
        sqlite3_open_v2(file.uri(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil)
            == SQLITE_OK
    else { return }
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nil, nil, nil)
}

/// Denies what a read-only connection must not do even though SQLite would
/// call it reading: ATTACH and DETACH, PRAGMAs that set a value, and the few
/// that write without one. When `context` points to `AuthorizedActions`
/// (while `prepareQuery` prepares), what was allowed is noted there.
func readOnlyAuthorizer(
    _ context: UnsafeMutableRawPointer?, _ action: Int32,
    _ first: UnsafePointer<CChar>?, _ second: UnsafePointer<CChar>?,
    _: UnsafePointer<CChar>?, _: UnsafePointer<CChar>?
) -> Int32 {
    let verdict: Int32
    switch action {
    case SQLITE_ATTACH, SQLITE_DETACH:
        verdict = SQLITE_DENY
    case SQLITE_PRAGMA:
        let name = first.map { String(cString: $0).lowercased() } ?? ""
        let reads =
            second == nil ? !pragmasWritingWithoutAnArgument.contains(name) : pragmasReadingAnArgument.contains(name)
        verdict = reads ? SQLITE_OK : SQLITE_DENY
    default:
        verdict = SQLITE_OK
    }
    if verdict == SQLITE_OK, let actions = context?.assumingMemoryBound(to: AuthorizedActions.self) {
        switch action {
        case SQLITE_PRAGMA: actions.pointee.readingPragma = true
        case SQLITE_TRANSACTION, SQLITE_SAVEPOINT: actions.pointee.transactionControl = true
        default: actions.pointee.other = true
        }
    }
    return verdict
}

/// What the authorizer allowed while one statement was prepared.
struct AuthorizedActions {
    /// A PRAGMA that reads (`PRAGMA journal_mode`, `PRAGMA table_info(runs)`).
    var readingPragma = false
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE.
    var transactionControl = false
    /// Anything else.
    var other = false
}

/// PRAGMAs whose argument names what to read rather than a value to set.
private let pragmasReadingAnArgument: Set<String> = [
    "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
]

/// PRAGMAs that write even without an argument.
private let pragmasWritingWithoutAnArgument: Set<String> = ["optimize", "wal_checkpoint", "incremental_vacuum"]
