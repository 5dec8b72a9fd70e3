import CrawlSchema
import Foundation
public import LogbookStore
import SimulationSchema

/// A run as `diff`, `report` and `plot` see it: one read-only connection to
/// its file and its `runs` row, nothing of the engines that wrote it.
///
/// Reads happen inside `snapshot`, one read transaction, so a run that is
/// still being written reads as one consistent moment of it.
///
/// A run in PostgreSQL is read from a copy made for the reader (`RunCopy`,
/// as `export` makes it) in a temporary SQLite file, removed with the
/// reader: one set of readers, over SQLite files.
public final class RunReader {
    public let connection: Connection
    public let run: RunInfo
    /// The database as given: a file, or the PostgreSQL URL the copy came from.
    public let location: String
    private let temporaryFolder: String?

    /// Opens `path` read-only and finds run `id` in it.
    public init(path: String, id: Int64) throws {
        location = path
        var source = try Connection(path: path, mode: .readOnly)
        try source.requireCurrentSchema()
        // Only this run's row: a row of another run that cannot be read is not this command's business.
        guard let run = try source.runs(id: id).first else {
            throw CompareError(.runNotFound, "\(path): no run \(id) (`logbook runs` lists them)")
        }
        self.run = run
        temporaryFolder = source.isPostgres ? try Self.temporaryFolder() : nil
        if let temporaryFolder {
            source = try Self.copy(run, from: source, into: temporaryFolder + "/run.sqlite")
        }
        connection = source
    }

    deinit {
        if let temporaryFolder { try? FileManager.default.removeItem(atPath: temporaryFolder) }
    }

    private static func temporaryFolder() throws -> String {
        var template = Array((FileManager.default.temporaryDirectory.path() + "logbook-run-XXXXXX").utf8CString)
        guard let folder = mkdtemp(&template) else {
            let cause = String(cString: strerror(errno))
            throw StoreError(
                .notAFile, path: FileManager.default.temporaryDirectory.path(),
                message:
                    "cannot make a folder to copy the PostgreSQL run into (\(cause)); set TMPDIR to a writable folder")
        }
        return String(cString: folder)
    }

    /// Copies `run` from `source` into a new SQLite file at `file`, with its own id, and opens that.
    private static func copy(_ run: RunInfo, from source: Connection, into file: String) throws -> Connection {
        let copy = try RunCopy(of: run, tables: RunTable.of(run.kind) ?? [], from: source, keepingID: true)
        let recorder = try Recorder(path: file)
        _ = try recorder.ask(copy)
        try recorder.close()
        return try Connection(path: file, mode: .readOnly)
    }

    /// Runs `body` in one read transaction.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("BEGIN")
        defer { try? connection.execute("COMMIT") }
        return try body()
    }

    /// Refuses two runs unless both are of `kind`, naming them: before
    /// anything else about the comparison is said.
    public static func require(_ kind: RunKind, _ a: RunReader, _ b: RunReader) throws {
        guard a.run.kind == b.run.kind else {
            throw CompareError(
                .kindMismatch,
                """
                \(a.name(besides: a.location)) is a \(a.run.kind.rawValue) and \(b.name(besides: a.location)) \
                is a \(b.run.kind.rawValue): only two crawls or two simulations compare
                """)
        }
        guard a.run.kind == kind else {
            throw CompareError(.kindMismatch, "run \(a.run.id) is a \(a.run.kind.rawValue), not a \(kind.rawValue)")
        }
    }

    /// For a run of a kind this logbook does not read (a newer one's).
    public var unknownKind: CompareError {
        CompareError(.kindMismatch, "run \(run.id) is a \(run.kind), which this logbook does not read")
    }

    /// The run's crawl tables, read through this reader's connection.
    var crawl: RecordedCrawl { RecordedCrawl(connection, run: run.id) }

    /// The run's simulation tables, read through this reader's connection.
    var simulation: RecordedSimulation { RecordedSimulation(connection, run: run.id) }

    /// Whether the run recorded page ids (`--check-fragments`); false for
    /// settings that are not a crawl's.
    var checksFragments: Bool {
        (try? run.crawlConfig())?.checkFragments == true
    }

    /// "run 3" or "other.sqlite run 3" when the file is not the main one.
    func name(besides path: String) -> String {
        location == path ? "run \(run.id)" : "\(location) run \(run.id)"
    }
}

/// `ID` or `PATH:ID`: a run, optionally in another database file.
public struct RunReference: Hashable, Sendable {
    public let path: String?
    public let id: Int64

    public init(path: String?, id: Int64) {
        self.path = path
        self.id = id
    }

    /// Parses `3` or `other.sqlite:3`; nil when there is no id at the end.
    public init?(parsing text: String) {
        if let id = Self.id(text[...]) {
            self.init(path: nil, id: id)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let id = Self.id(text[text.index(after: colon)...]),
            colon != text.startIndex
        else { return nil }
        self.init(path: String(text[..<colon]), id: id)
    }

    /// Digits alone (`Int64` would also take "+3"), above zero.
    private static func id(_ text: Substring) -> Int64? {
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let id = Int64(text),
            id > 0
        else { return nil }
        return id
    }
}

/// Not `Sendable`: it holds a `Connection`, used by one thread at a time.
@available(*, unavailable)
extension RunReader: Sendable {}
