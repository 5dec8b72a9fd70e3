import Foundation

/// What a run is: a crawl of a site or a simulation of particles.
public enum RunKind: String, Sendable, CaseIterable {
    case crawl
    case simulation
}

public enum RunStatus: String, Sendable, CaseIterable {
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
        let insert = try database.cached("INSERT INTO runs (kind, config, logbook_version) VALUES (?, ?, ?)")
        try insert.bind(kind.rawValue, at: 1)
        try insert.bind(config, at: 2)
        try insert.bind(LogbookVersion.current, at: 3)
        try insert.run()
        return database.lastInsertRowID
    }
}

/// Sets a run's status and summary; any status but `running` also sets
/// `finished_at` (cleared again when a resumed run is running).
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
        let update = try database.cached("""
            UPDATE runs SET status = ?1, summary = coalesce(?2, summary),
                finished_at = CASE ?1 WHEN 'running' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END
            WHERE id = ?3
            """)
        try update.bind(status.rawValue, at: 1)
        try update.bind(summary.map(SQLValue.text) ?? .null, at: 2)
        try update.bind(id, at: 3)
        try update.run()
    }
}

extension RunInfo {
    /// The settings the run was started with (see `StartRun(kind:settings:)`).
    public func settings<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(config.utf8))
    }
}

extension Connection {
    /// Every run, oldest first.
    public func runs() throws -> [RunInfo] {
        let select = try prepare("""
            SELECT id, kind, status, config, started_at, finished_at, logbook_version, summary
            FROM runs ORDER BY id
            """)
        var runs: [RunInfo] = []
        while try select.step() {
            runs.append(RunInfo(
                id: select.int64(0),
                kind: RunKind(rawValue: select.text(1) ?? "") ?? .crawl,
                status: RunStatus(rawValue: select.text(2) ?? "") ?? .failed,
                config: select.text(3) ?? "{}",
                startedAt: select.text(4) ?? "",
                finishedAt: select.text(5),
                logbookVersion: select.text(6) ?? "",
                summary: select.text(7)))
        }
        return runs
    }
}
