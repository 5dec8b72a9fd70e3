internal import CPostgres
import Dispatch
import Foundation

extension StoreError.Code {
    /// PostgreSQL refused a connection or a statement; `sqlState` says why.
    public static let postgres = StoreError.Code("postgres")
}

/// Where a database lives: an SQLite file, or a PostgreSQL database named by
/// a libpq URL (`postgres://user@host:port/dbname`).
public enum DatabaseLocation: Sendable {
    /// True for `postgres://…` and `postgresql://…`, libpq's URL schemes.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }
}

/// The libpq side of a `Connection` to PostgreSQL: the connection handle,
/// its prepared statements, and errors in the store's terms. Statements are
/// written once in the SQLite dialect the records share (`?`, `?N`) and
/// translated here (`$N`); parameters travel as text, never in the SQL.
final class PostgresSession {
    let handle: OpaquePointer
    /// The URL, for messages.
    let location: String
    private var statementsPrepared = 0

    init(url: String) throws {
        location = url
        if let key = try Self.secret(in: url) {
            throw StoreError(
                .invalidPath, path: "postgres://…",
                message: """
                    the --db URL holds a \(key), which would show in process lists and logs; give it in \
                    PGPASSWORD or ~/.pgpass instead (libpq reads both)
                    """)
        }
        guard let handle = PQconnectdb(url) else {
            throw StoreError(.postgres, path: url, message: "cannot connect: out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw StoreError(.postgres, path: url, message: "cannot connect: \(message)")
        }
        self.handle = handle
        // Notices (e.g. "relation already exists, skipping") are not the user's business.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Runs `sql`, which may hold several statements, without parameters.
    func execute(_ sql: String) throws {
        let result = PostgresResult(PQexec(handle, sql))
        try check(result, sql: sql)
    }

    /// Prepares `sql` (already translated) on the server under a new name.
    func prepare(_ sql: String, original: String) throws -> String {
        statementsPrepared += 1
        let name = "logbook_\(statementsPrepared)"
        let result = PostgresResult(PQprepare(handle, name, sql, 0, nil))
        try check(result, sql: original)
        return name
    }

    /// The columns prepared statement `name` returns, as a result without rows.
    func describe(prepared name: String, original: String) throws -> PostgresResult {
        let result = PostgresResult(PQdescribePrepared(handle, name))
        try check(result, sql: original)
        return result
    }

    /// Runs a statement, prepared (`name`) or not, with text `values`.
    func run(prepared name: String?, sql: String, original: String, values: [String?]) throws -> PostgresResult {
        let copies = values.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        let result = pointers.withUnsafeBufferPointer { values in
            if let name {
                PostgresResult(PQexecPrepared(handle, name, Int32(values.count), values.baseAddress, nil, nil, 0))
            } else {
                PostgresResult(PQexecParams(handle, sql, Int32(values.count), nil, values.baseAddress, nil, nil, 0))
            }
        }
        try check(result, sql: original)
        return result
    }

    /// Runs `body`, whose statement waits on the server, cancelling that
    /// statement once `shouldStop` says so (asked every 50 ms on a thread of
    /// its own: libpq's cancel request is the one call meant for another thread).
    func cancelling<T>(when shouldStop: @escaping @Sendable () -> Bool, _ body: () throws -> T) throws -> T {
        guard let cancel = PQgetCancel(handle) else { return try body() }
        let request = CancelRequest(cancel)
        let done = DispatchSemaphore(value: 0)
        let watcher = Thread {
            while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                if shouldStop() {
                    request.send()
                    return
                }
            }
        }
        watcher.start()
        defer { done.signal() }
        return try body()
    }

    /// True while a transaction is open (or failed and not yet rolled back).
    var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    private func check(_ result: PostgresResult, sql: String) throws {
        switch PQresultStatus(result.handle) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default:
            let state = PQresultErrorField(result.handle, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result.handle, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            let message = primary ?? Self.trimmed(PQerrorMessage(handle))
            throw StoreError(
                .postgres, path: location, message: state.map { "\(message) (SQLSTATE \($0))" } ?? message,
                sql: sql, sqlState: state ?? (PQstatus(handle) == CONNECTION_OK ? nil : "08006"))
        }
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
    }

    /// The name of a secret `url` holds (`user:password@`, `?password=`,
    /// `?sslpassword=`), read as libpq reads it; a URL libpq cannot read is
    /// refused naming its fault, without echoing it.
    private static func secret(in url: String) throws -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            // libpq quotes the URL after " in URI": it may hold a password.
            let message = error.map {
                String(cString: $0).components(separatedBy: " in URI").first ?? ""
            }
            PQfreemem(error)
            throw StoreError(
                .invalidPath, path: "postgres://…", message: "not a PostgreSQL URL: \(message ?? "unreadable")")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            let name = String(cString: keyword)
            if ["password", "sslpassword"].contains(name), let value = option.pointee.val, value.pointee != 0 {
                return name == "password" ? "password" : "client key password"
            }
            option += 1
        }
        return nil
    }

    /// The first word of `sql`, lowercased, after blanks, comments and parentheses.
    static func firstWord(of sql: String) -> String {
        var rest = sql[...]
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "(" }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                return rest.prefix { $0.isLetter }.lowercased()
            }
        }
    }

    /// `sql` with SQLite's parameters (`?`, `?N`) as PostgreSQL's (`$N`),
    /// leaving string literals, quoted names and comments alone, and how
    /// many parameters it takes.
    static func translate(_ sql: String) -> (sql: String, parameters: Int) {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 0
        var characters = sql.unicodeScalars[...]
        while let character = characters.popFirst() {
            switch character {
            case "'", "\"":
                out.unicodeScalars.append(character)
                let quoted = characters.prefix { $0 != character }
                out.unicodeScalars.append(contentsOf: quoted)
                characters = characters.dropFirst(quoted.count)
                if let close = characters.popFirst() { out.unicodeScalars.append(close) }
            case "-" where characters.first == "-":
                let comment = characters.prefix { $0 != "\n" }
                out.unicodeScalars.append(character)
                out.unicodeScalars.append(contentsOf: comment)
                characters = characters.dropFirst(comment.count)
            case "?":
                let digits = characters.prefix { ("0"..."9").contains($0) }
                characters = characters.dropFirst(digits.count)
                if digits.isEmpty {
                    next += 1
                    out += "$\(next)"
                } else {
                    out += "$" + String(String.UnicodeScalarView(digits))
                    next = max(next, Int(String(String.UnicodeScalarView(digits))) ?? next)
                }
            default:
                out.unicodeScalars.append(character)
            }
        }
        return (out, next)
    }
}

/// A statement on a `PostgresSession`: prepared on the server when kept in
/// the connection's cache, its parameters held as text until it runs, its
/// rows read from the whole result with a cursor (the writer's statements
/// return a few rows; `query` reads larger results the same way).
final class PostgresStatement {
    let session: PostgresSession
    let original: String
    private let translated: String
    private let name: String?
    private var values: [String?]
    private var result: PostgresResult?
    private var row = -1
    /// The columns, before the statement has run.
    private var columns: PostgresResult?

    init(session: PostgresSession, sql: String, persistent: Bool) throws {
        self.session = session
        original = sql
        let (translated, parameters) = PostgresSession.translate(sql)
        self.translated = translated
        values = Array(repeating: nil, count: parameters)
        name = persistent ? try session.prepare(translated, original: sql) : nil
    }

    /// A statement a person typed, in PostgreSQL's own SQL: prepared and
    /// described at once, so an error in it is found before it runs and its
    /// columns are known.
    init(query sql: String, on session: PostgresSession) throws {
        self.session = session
        original = sql
        translated = sql
        values = []
        let name = try session.prepare(sql, original: sql)
        self.name = name
        columns = try session.describe(prepared: name, original: sql)
    }

    func bind(_ text: String?, at index: Int) {
        if values.count < index { values += Array(repeating: nil, count: index - values.count) }
        values[index - 1] = text
    }

    func step() throws -> Bool {
        let result = try self.result ?? session.run(prepared: name, sql: translated, original: original, values: values)
        self.result = result
        row += 1
        return row < result.rows
    }

    /// Forgets the result, keeping the parameters.
    func rewind() {
        result = nil
        row = -1
    }

    func reset() {
        rewind()
        for index in values.indices { values[index] = nil }
    }

    var columnCount: Int { (result ?? columns)?.columns ?? 0 }
    func columnName(_ column: Int) -> String { (result ?? columns)?.name(column) ?? "" }
    func isNull(_ column: Int) -> Bool { result?.isNull(row, column) ?? true }
    func text(_ column: Int) -> String? { result?.text(row, column) }
    func value(_ column: Int) -> SQLValue { result?.value(row, column) ?? .null }

    func int64(_ column: Int) -> Int64 {
        guard let text = text(column) else { return 0 }
        if let value = Int64(text) { return value }
        switch text {
        case "t": return 1
        case "f": return 0
        default: return Double(postgres: text).map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 } ?? 0
        }
    }

    func double(_ column: Int) -> Double { text(column).flatMap { Double(postgres: $0) } ?? 0 }
}

/// libpq's cancel handle, freed when it goes away; sent from a watcher thread.
private final class CancelRequest: @unchecked Sendable {
    // @unchecked: PQcancel is documented safe to call from another thread (and a signal handler).
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQfreeCancel(handle) }

    func send() {
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(handle, &message, Int32(message.count))
    }
}

/// A `PGresult`, cleared when it goes away.
final class PostgresResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer?) {
        // libpq returns NULL only when out of memory; an empty result reads as an error.
        self.handle = handle ?? PQmakeEmptyPGresult(nil, PGRES_FATAL_ERROR)
    }

    deinit { PQclear(handle) }

    var rows: Int { Int(PQntuples(handle)) }
    var columns: Int { Int(PQnfields(handle)) }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String? {
        guard !isNull(row, column), let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        let count = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return value.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    func name(_ column: Int) -> String { PQfname(handle, Int32(column)).map { String(cString: $0) } ?? "" }

    /// The column's value typed as SQLite would hold it, from its PostgreSQL type.
    func value(_ row: Int, _ column: Int) -> SQLValue {
        guard let text = text(row, column) else { return .null }
        switch PQftype(handle, Int32(column)) {
        case 16: return .integer(text == "t" ? 1 : 0)  // bool
        case 20, 21, 23, 26: return Int64(text).map(SQLValue.integer) ?? .text(text)  // integers, oid
        case 700, 701: return Double(postgres: text).map(SQLValue.real) ?? .text(text)  // float4, float8
        case 1700:  // numeric: a sum of integers is one
            return Int64(text).map(SQLValue.integer) ?? Double(text).map(SQLValue.real) ?? .text(text)
        case 17: return .blob(Array(hex: text.dropFirst(2)))  // bytea, "\x…"
        default: return .text(text)
        }
    }
}

extension Double {
    /// A value as PostgreSQL reads float8: exactly, with its names for infinities and NaN.
    var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return description
    }

    init?(postgres text: String) {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default: self.init(text)
        }
    }
}

extension Array where Element == UInt8 {
    /// Bytes from hexadecimal digits; a stray digit is dropped.
    init(hex: Substring) {
        let digits = hex.utf8.compactMap { byte -> UInt8? in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        self = stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// PostgreSQL's bytea text form, `\x` and two hexadecimal digits a byte.
    var postgresHex: String {
        "\\x" + map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

extension Connection {
    /// Takes PostgreSQL's session advisory lock (`key`, `slot`) if no other
    /// session holds it; true when taken. Advisory locks write nothing and
    /// end with the session: a process that dies releases its locks at once.
    public func tryAdvisoryLock(_ key: Int32, _ slot: Int32) throws -> Bool {
        try cached("SELECT pg_try_advisory_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))").bound(Int(key), Int(slot))
            .scalar(Bool.self) ?? false
    }

    /// Waits for PostgreSQL's session advisory lock (`key`, `slot`), in the order sessions asked for it.
    public func advisoryLock(_ key: Int32, _ slot: Int32) throws {
        try cached("SELECT pg_advisory_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))").bound(Int(key), Int(slot)).run()
    }

    /// Waits for PostgreSQL's advisory lock (`key`, `slot`) held to the end
    /// of the open transaction: writers of several processes that must see
    /// each other's rows (a count that bounds a crawl) take turns. Nothing on SQLite,
    /// where the writer's transaction excludes all others.
    public func lockUntilCommit(_ key: Int32, _ slot: Int32) throws {
        guard isPostgres else { return }
        try cached("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))").bound(Int(key), Int(slot))
            .run()
    }

    public func advisoryUnlock(_ key: Int32, _ slot: Int32) throws {
        try cached("SELECT pg_advisory_unlock(CAST(? AS INTEGER), CAST(? AS INTEGER))").bound(Int(key), Int(slot)).run()
    }
}

extension Connection {
    /// How long a PostgreSQL connection that was lost is tried again.
    public static let reconnectWindow = Duration.seconds(30)

    /// A new connection to `path` after one was lost (a server restart),
    /// tried for up to `reconnectWindow`; nil when it cannot be had.
    public static func reopen(_ path: String, mode: Mode) -> Connection? {
        let deadline = ContinuousClock.now + reconnectWindow
        repeat {
            usleep(250_000)
            if let connection = try? Connection(path: path, mode: mode) { return connection }
        } while ContinuousClock.now < deadline
        return nil
    }
}
