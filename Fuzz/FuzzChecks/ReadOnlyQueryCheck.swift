internal import CSQLite
import Foundation
import LogbookStore

/// Whatever SQL `logbook query` is given, the database file and its folder
/// are left exactly as the writer left them: the same files, byte for byte,
/// and no `-wal` or `-shm` left behind.
enum ReadOnlyQueryCheck {
    /// Each statement may run this many thousand SQLite instructions: enough
    /// to read the fixture many times, and a recursive CTE cannot run forever.
    private static let instructionBudget: Int32 = 200
    /// The longest string or blob a statement may make (`zeroblob(1e9)`).
    private static let lengthLimit: Int32 = 1_000_000

    private static let fixture = Result { try Fixture() }

    static func check(_ input: [UInt8]) throws {
        let fixture = try fixture.get()
        try run(String(decoding: input, as: UTF8.self), on: fixture.database)
        let after = try Fixture.snapshot(of: fixture.folder)
        guard after == fixture.baseline else {
            throw PropertyViolation(
                target: .readOnlyQuery,
                message: """
                    the folder changed: \(fixture.baseline.keys.sorted()) became \(after.keys.sorted())\
                    \(fixture.baseline.filter { after[$0.key] != nil && after[$0.key] != $0.value }.keys.sorted().map { ", \($0) changed" }.joined())
                    """)
        }
    }

    /// Prepares `sql` as `logbook query` does and steps it to the end, an
    /// error or the instruction budget.
    static func run(_ sql: String, on database: String) throws {
        let connection = try Connection(path: database, mode: .readOnly)
        sqlite3_limit(connection.handle, SQLITE_LIMIT_LENGTH, lengthLimit)
        let budget = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        budget.initialize(to: instructionBudget)
        defer { budget.deallocate() }
        sqlite3_progress_handler(
            connection.handle, 1000,
            { budget in
                let remaining = budget!.assumingMemoryBound(to: Int32.self)
                remaining.pointee -= 1
                return remaining.pointee < 0 ? 1 : 0
            }, budget)
        defer { sqlite3_progress_handler(connection.handle, 0, nil, nil) }
        guard let statement = try? connection.prepareQuery(sql) else { return }
        while (try? statement.step()) == true {}
    }

    /// A small logbook database in a folder of its own, made by the writer.
    private struct Fixture: Sendable {
        let folder: String
        let database: String
        /// File name → contents, as the writer left them.
        let baseline: [String: [UInt8]]

        init() throws {
            folder = FileManager.default.temporaryDirectory.appending(path: "logbook-fuzz-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            database = folder + "/fixture.sqlite"
            do {
                let writer = try Connection(path: database, mode: .readWrite)
                try writer.migrate()
                try writer.execute(
                    """
                    INSERT INTO runs (kind, status, config, logbook_version, summary)
                    VALUES ('crawl', 'completed', '{"start":"http://127.0.0.1/"}', 'fuzz', '3 pages'),
                           ('simulation', 'failed', '{"steps":10}', 'fuzz', NULL)
                    """)
            }
            baseline = try Self.snapshot(of: folder)
            atexit {
                guard case .success(let fixture) = ReadOnlyQueryCheck.fixture else { return }
                try? FileManager.default.removeItem(atPath: fixture.folder)
            }
        }

        static func snapshot(of folder: String) throws -> [String: [UInt8]] {
            var files: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                // Not Data(contentsOf:): swift-foundation 6.3 leaks 4 KB per read of an empty file.
                let contents = try FileHandle(forReadingFrom: URL(filePath: folder + "/" + name)).readToEnd()
                files[name] = Array(contents ?? Data())
            }
            return files
        }
    }
}
