import Foundation

/// What a run is. Each engine's schema names its own (`RunKind.crawl`,
/// `RunKind.simulation`); the store only keeps the name.
public struct RunKind: RawRepresentable, Hashable, Sendable, SQLColumnValue, SQLBindable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

public enum RunStatus: String, Sendable, CaseIterable, SQLColumnValue {
    case running
    /// Stopped before the end (Ctrl-C, a kill, a crash); `resume` continues it.
    case interrupted
    case completed
    case failed
}

/// One row of `runs`.
public struct RunInfo: Hashable, Sendable {
    public let id: Int64
    public let kind: RunKind
    public let status: RunStatus
    /// Everything `resume` needs, as JSON.
    public let config: String
    public let startedAt: String
    public let finishedAt: String?
    public let logbookVersion: String
    public let summary: String?
    /// The process that last started or resumed the run, and its host.
    public let pid: Int32?
    public let host: String?
}

/// Starts a run and answers its id.
public struct StartRun: Request {
    public let kind: RunKind
    public let config: String

    public init(kind: RunKind, config: String) {
        self.kind = kind
        self.config = config
    }

    /// A run whose `config` is `settings` as JSON with sorted keys, so the
    /// same settings always read the same; `RunInfo.settings` reads it back.
    public init(kind: RunKind, settings: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.init(kind: kind, config: String(decoding: try encoder.encode(settings), as: UTF8.self))
    }

    public func answer(from database: Connection) throws -> Int64 {
        let insert = try database.cached(
            """
            INSERT INTO runs (kind, config, logbook_version, pid, host) VALUES (?, ?, ?, ?, ?) RETURNING id
            """)
        try insert.bind(
            kind, config, LogbookVersion.current, Int(ProcessInfo.processInfo.processIdentifier),
            ProcessInfo.processInfo.hostName)
        guard let id = try insert.scalar(Int64.self) else {
            throw StoreError(.unreadableRow, path: database.path, message: "INSERT INTO runs returned no id")
        }
        return id
    }
}

/// Sets a run's status and summary; any status but `running` also sets
/// `finished_at`. A run is resumed with `ClaimRun`, not with this.
public struct UpdateRun: Record {
    public let id: Int64
    public let status: RunStatus
    public let summary: String?

    public init(id: Int64, status: RunStatus, summary: String? = nil) {
        self.id = id
        self.status = status
        self.summary = summary
    }

    public func write(to database: Connection) throws {
        let update = try database.cached(
            """
            UPDATE runs SET status = ?1, summary = coalesce(?2, summary),
                finished_at = CASE CAST(?1 AS TEXT) WHEN 'running' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END
            WHERE id = ?3
            """)
        try update.bind(status.rawValue, summary, id)
        try update.run()
    }
}

/// Claims run `id` for this process to continue: checks that it exists, is
/// not completed and that no live process is writing it (`RunInfo.isBeingWritten`), then marks
/// it running with this process's pid and host. The writer answers inside
/// its `BEGIN IMMEDIATE` transaction, so the check and the claim are one
/// step: of two processes resuming one run, the second sees the first's
/// claim. Answers the run as it was before the claim, or why it was refused.
///
/// `joining` is for a run several processes share (PostgreSQL): the check
/// for a live writer and the record of this process as the run's are left
/// out, and the run is marked running.
public struct ClaimRun: Request {
    public let id: Int64
    public let kind: RunKind
    public let joining: Bool

    public init(id: Int64, kind: RunKind, joining: Bool = false) {
        self.id = id
        self.kind = kind
        self.joining = joining
    }

    public func answer(from database: Connection) throws -> Result<RunInfo, StoreError> {
        guard let run = try database.runs(id: id).first else {
            return .failure(StoreError(.cannotResume, path: database.path, message: "there is no run \(id)"))
        }
        if run.kind != kind {
            return .failure(
                StoreError(
                    .cannotResume, path: database.path,
                    message: "run \(id) is a \(run.kind.rawValue), not a \(kind.rawValue)"))
        }
        if run.status == .completed {
            return .failure(
                StoreError(
                    .cannotResume, path: database.path,
                    message: "run \(id) is completed; there is nothing to \(joining ? "join" : "resume")"))
        }
        if joining {
            let mark = try database.cached("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?")
            try mark.bind(id)
            try mark.run()
            return .success(run)
        }
        if run.isBeingWritten(to: database.path) { return .failure(run.inUse(at: database.path)) }
        let claim = try database.cached(
            """
            UPDATE runs SET status = 'running', finished_at = NULL, pid = ?2, host = ?3 WHERE id = ?1
            """)
        try claim.bind(id, Int(ProcessInfo.processInfo.processIdentifier), ProcessInfo.processInfo.hostName)
        try claim.run()
        return .success(run)
    }
}

extension Recorder {
    /// Claims run `id` of `kind` (see `ClaimRun`) and commits the claim
    /// before returning it; throws why it cannot be claimed.
    public func claim(_ id: Int64, kind: RunKind, joining: Bool = false) throws -> RunInfo {
        let run = try ask(ClaimRun(id: id, kind: kind, joining: joining)).get()
        try flush()
        return run
    }

    /// Starts a run and commits its row before anything else is recorded,
    /// so that a run that fails at once (a full disk) is still listed.
    public func start(_ run: StartRun) throws -> Int64 {
        let id = try ask(run)
        try flush()
        return id
    }

    /// Runs `body` for run `id`; if it throws, marks the run failed with the
    /// error as its summary, then rethrows. While `body` runs, the writer
    /// holds the mark (`onFailure`): when the error is the writer's own (a
    /// full disk, an I/O error), the writer has written it before stopping,
    /// in room it kept for it.
    public func markingFailure<T>(of id: Int64, _ body: () throws -> T) throws -> T {
        try markingFailure(with: { UpdateRun(id: id, status: .failed, summary: "failed: \($0)") }, body)
    }

    /// `markingFailure(of:)` with the record that says the failure: for a
    /// run shared by several processes, one that leaves it rather than
    /// marking it failed for all.
    public func markingFailure<T>(
        with mark: @escaping @Sendable (any Error) -> any Record, _ body: () throws -> T
    ) throws -> T {
        do {
            try onFailure(mark)
            let result = try body()
            try? onFailure(nil)
            return result
        } catch {
            // Throws, changing nothing, when the writer has stopped.
            try? send(mark(error))
            try? flush()
            throw error
        }
    }
}

extension RunInfo {
    /// True when the run says `running` and the process that runs it is
    /// alive on this host and has the database file at `path` open: another
    /// process must not resume it. The open file, not the program, tells a
    /// writer from a program that got the pid since, so a copy of logbook, or
    /// one replaced on disk while it runs, still counts as the writer. When
    /// that process's open files cannot be read (another user's process), it
    /// counts as the writer: a run resumed twice is written twice, a run left
    /// alone is only waited for.
    public func isBeingWritten(to path: String) -> Bool {
        guard let pid = otherProcessOnThisHost, isAlive(pid) else { return false }
        var database = stat()
        guard stat(path, &database) == 0 else { return true }
        let folder = "/proc/\(pid)/fd"
        // Unreadable: gone since (not writing) or not ours to read (writing).
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            return isAlive(pid)
        }
        return descriptors.contains { descriptor in
            var file = stat()
            return stat("\(folder)/\(descriptor)", &file) == 0 && file.st_dev == database.st_dev
                && file.st_ino == database.st_ino
        }
    }

    /// Why a run `isBeingWritten` cannot be resumed. Also asked before the
    /// claim, from a reader: the writer at work may hold the file's write lock
    /// longer than a claim would wait for it.
    public func inUse(at path: String) -> StoreError {
        StoreError(
            .runInUse, path: path,
            message: """
                run \(id) is being written by logbook process \(pid ?? 0) on \(host ?? "this host"); \
                stop it first (Ctrl-C), then resume\(DatabaseLocation.isPostgres(path) ? "; or add workers to it with join" : "")
                """)
    }

    /// The status to show for a run of the database at `path`: `interrupted`
    /// for a run that says `running` but whose process on this host is gone
    /// (it was killed, or it stopped on an error it could not record), which
    /// is what `resume` takes it for; else `status`. A run in PostgreSQL is
    /// shown as recorded: other hosts' processes may share it, and the
    /// last of them to leave records how it ended (`LeaveCrawl`).
    public func shownStatus(databaseAt path: String) -> RunStatus {
        guard !DatabaseLocation.isPostgres(path) else { return status }
        return otherProcessOnThisHost != nil && !isBeingWritten(to: path) ? .interrupted : status
    }

    /// The pid of the process that says it runs this run, when the run says
    /// `running` and that process is another one on this host: the only
    /// case where this host can tell whether it still runs.
    private var otherProcessOnThisHost: Int32? {
        guard status == .running, let pid, host == ProcessInfo.processInfo.hostName,
            pid != ProcessInfo.processInfo.processIdentifier
        else { return nil }
        return pid
    }

    /// The settings the run was started with (see `StartRun(kind:settings:)`);
    /// settings that are not a `T` throw why, naming the run and the key.
    public func settings<T: Decodable>(as type: T.Type) throws -> T {
        try decoded { try JSONDecoder().decode(type, from: Data(config.utf8)) }
    }

    /// The settings, with what the run did not record (a setting newer than
    /// the logbook that made it) taken from `defaults`, key by key.
    public func settings<T: Codable>(as type: T.Type, filling defaults: T) throws -> T {
        func merged(_ stored: Any, over defaults: Any) -> Any {
            guard let stored = stored as? [String: Any], let defaults = defaults as? [String: Any] else {
                return stored
            }
            return defaults.merging(stored) { merged($1, over: $0) }
        }
        return try decoded {
            let stored = try JSONSerialization.jsonObject(with: Data(config.utf8), options: .fragmentsAllowed)
            let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults))
            let settings = try JSONSerialization.data(
                withJSONObject: merged(stored, over: base), options: .fragmentsAllowed)
            return try JSONDecoder().decode(type, from: settings)
        }
    }

    /// `decode`'s value, or why the stored settings are not a `T`.
    private func decoded<T>(_ decode: () throws -> T) throws -> T {
        do {
            return try decode()
        } catch let error as DecodingError {
            throw SettingsError(runID: id, type: "\(T.self)", reason: error.reason)
        } catch {
            throw SettingsError(runID: id, type: "\(T.self)", reason: "\(error.localizedDescription)")
        }
    }
}

/// A run's stored settings (`runs.config`) that are not what its kind
/// records: a file edited by hand, or made by another program.
public struct SettingsError: LogbookError {
    public let runID: Int64
    public let type: String
    public let reason: String

    public init(runID: Int64, type: String, reason: String) {
        self.runID = runID
        self.type = type
        self.reason = reason
    }

    public var description: String { "run \(runID)'s settings are not a \(type): \(reason)" }
    public var category: ErrorCategory { .failure }
}

extension DecodingError {
    /// What is wrong and where, in a line: "the key start is missing".
    var reason: String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty
                ? "" : " at \(path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: "."))"
        }
        switch self {
        case .keyNotFound(let key, let context): return "the key \(key.stringValue) is missing\(at(context.codingPath))"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "expected \(type)\(at(context.codingPath))"
        case .dataCorrupted(let context): return context.debugDescription + at(context.codingPath)
        @unknown default: return "\(self)"
        }
    }
}

/// True when process `pid` exists, ours to signal or not.
private func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

extension Connection {
    /// Every run, oldest first; only run `id` when given.
    public func runs(id: Int64? = nil) throws -> [RunInfo] {
        try prepare(
            """
            SELECT id, kind, status, config, started_at, finished_at, logbook_version, summary, pid, host
            FROM runs WHERE CAST(?1 AS INTEGER) IS NULL OR id = ?1 ORDER BY id
            """
        ).bound(id).all()
    }
}

extension RunInfo: RowDecodable {
    /// A row that cannot be read names its run: every command reads the
    /// runs, so one bad row can stop a command about another run.
    public init(row: Row) throws {
        id = try row["id"]
        do {
            kind = try row["kind"]
            status = try row["status"]
            config = try row["config"]
            startedAt = try row["started_at"]
            finishedAt = try row["finished_at"]
            logbookVersion = try row["logbook_version"]
            summary = try row["summary"]
            pid = try (row["pid"] as Int64?).map { Int32(truncatingIfNeeded: $0) }
            host = try row["host"]
        } catch let error as StoreError where error.code == .unreadableRow {
            throw StoreError(.unreadableRow, path: error.path, message: "run \(id): \(error.message)", sql: error.sql)
        }
    }
}
