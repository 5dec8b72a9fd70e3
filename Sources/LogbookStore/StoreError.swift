/// Everything the store refuses or SQLite reports, with the file it concerns.
///
/// `code` says what kind of failure it is, so callers (the CLI's exit codes,
/// tests) can match on it; `message` says it in words a user can act on.
public struct StoreError: LogbookError, Sendable {
    /// What went wrong; extensible, matched with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        /// SQLite returned an error; `resultCode` holds it.
        public static let sqlite = Code("sqlite")
        /// A read was asked of a file that does not exist.
        public static let missingDatabase = Code("missing database")
        /// The path names no file ("", ":memory:"): bad usage.
        public static let invalidPath = Code("invalid path")
        /// The path names a folder, a FIFO, a device: not a database file.
        public static let notAFile = Code("not a file")
        /// The run to resume is being written by another live process.
        public static let runInUse = Code("run in use")
        /// The run to resume does not exist or is completed.
        public static let cannotResume = Code("cannot resume")
        /// The file is an SQLite database, but not one logbook made.
        public static let foreignDatabase = Code("foreign database")
        /// A recorded migration differs from the one this binary ships.
        public static let migrationChanged = Code("migration changed")
        /// The file was migrated by a newer logbook.
        public static let schemaTooNew = Code("schema too new")
        /// The file was written by an older logbook and not migrated yet.
        public static let schemaTooOld = Code("schema too old")
        /// `query` was given SQL that is not one read-only statement.
        public static let queryRefused = Code("query refused")
        /// A row was read as a type its column cannot be (NULL, an unknown
        /// enum value, no such column): the code and the SQL disagree.
        public static let unreadableRow = Code("unreadable row")
        /// The Recorder was closed before this message was sent.
        public static let recorderClosed = Code("recorder closed")
    }

    public let code: Code
    /// The database file concerned.
    public let path: String
    public let message: String
    /// SQLite's (extended) result code, when SQLite reported the failure.
    public let resultCode: ResultCode?
    /// The statement that failed, when a statement did.
    public let sql: String?
    /// PostgreSQL's SQLSTATE, when PostgreSQL reported the failure ("40P01": a deadlock).
    public let sqlState: String?

    public init(
        _ code: Code, path: String, message: String, resultCode: ResultCode? = nil, sql: String? = nil,
        sqlState: String? = nil
    ) {
        self.code = code
        self.path = path
        self.message = message
        self.resultCode = resultCode
        self.sql = sql
        self.sqlState = sqlState
    }

    /// A failure that the same transaction, tried again, may not meet: a
    /// deadlock or serialization failure between PostgreSQL clients.
    public var isTransient: Bool { sqlState == "40P01" || sqlState == "40001" }

    /// The PostgreSQL connection is gone: the server restarted or shut
    /// down, the network failed, or it ended a session left idle inside a
    /// transaction (a process that was stopped). A new connection may work.
    public var isConnectionLost: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "25P03"].contains(sqlState)
    }

    public var description: String { "\(path.isEmpty ? "\"\"" : path): \(message)" }

    /// A query, path or run the user gave is at fault; everything else is
    /// the file or the system.
    public var category: ErrorCategory {
        [.invalidQuery, .queryRefused, .invalidPath, .runInUse, .cannotResume].contains(code) ? .usage : .failure
    }
}

/// An SQLite result code. A primary code pattern matches its extended codes:
/// `case .readOnly:` matches `SQLITE_READONLY_DBMOVED` too.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }
    public var description: String { "SQLite code \(rawValue)" }

    public static let error = ResultCode(rawValue: 1)
    public static let permission = ResultCode(rawValue: 3)
    public static let busy = ResultCode(rawValue: 5)
    public static let readOnly = ResultCode(rawValue: 8)
    public static let ioError = ResultCode(rawValue: 10)
    public static let corrupt = ResultCode(rawValue: 11)
    public static let full = ResultCode(rawValue: 13)
    public static let cantOpen = ResultCode(rawValue: 14)
    public static let tooBig = ResultCode(rawValue: 18)
    public static let constraint = ResultCode(rawValue: 19)
    public static let mismatch = ResultCode(rawValue: 20)
    public static let authorization = ResultCode(rawValue: 23)
    public static let range = ResultCode(rawValue: 25)
    public static let notADatabase = ResultCode(rawValue: 26)

    public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
        pattern == code || (pattern == pattern.primary && pattern == code.primary)
    }
}
