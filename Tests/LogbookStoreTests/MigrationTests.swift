import Foundation
import LogbookStore
import LogbookTestSupport
import Synchronization
import Testing

@Suite struct MigrationTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    @Test func migratesAnEmptyFileToTheNewestVersion() throws {
        let connection = try Connection(path: path, mode: .readWrite)
        let version = try connection.migrate()
        #expect(version == Migration.shipped.count)
        #expect(version >= 1)
        let recorded = try connection.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        for shipped in Migration.shipped {
            #expect(try recorded.step())
            #expect(recorded.int64(0) == Int64(shipped.version))
            #expect(recorded.text(1) == shipped.name)
            #expect(recorded.text(2) == shipped.checksum)
        }
        #expect(try !recorded.step())
        #expect(try connection.scalar("SELECT count(*) FROM runs") == .integer(0))
        #expect(try connection.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try connection.scalar("PRAGMA foreign_keys") == .integer(1))
    }

    /// Connections migrating one new file at once: each sees it empty or
    /// logbook's (never another program's), and the WAL switch waits its turn.
    @Test func connectionsMigratingOneNewFileAtOnceAllSucceed() throws {
        for attempt in 0..<40 {
            let file = folder.file("race-\(attempt).sqlite")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    try Connection(path: file, mode: .readWrite).migrate()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [], "attempt \(attempt)")
            let connection = try Connection(path: file, mode: .readOnly)
            try connection.requireCurrentSchema()
            #expect(
                try connection.scalar("SELECT count(*) FROM schema_migrations")
                    == .integer(Int64(Migration.shipped.count)))
        }
    }

    @Test func checksumsAreTheFilesSHA256() throws {
        let source = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Migrations")
        for migration in Migration.shipped {
            let file = source.appending(path: migration.fileName).path()
            let result = try runProcess("/usr/bin/sha256sum", [file])
            #expect(result.stdout.hasPrefix(migration.checksum + " "), "\(migration.fileName)")
        }
    }

    @Test func reopeningChangesNothing() throws {
        try Connection(path: path, mode: .readWrite).migrate()
        let before = try contents(of: path)
        let version = try Connection(path: path, mode: .readWrite).migrate()
        #expect(version == Migration.shipped.count)
        #expect(try contents(of: path) == before)
    }

    @Test func upgradesAFileWithPendingMigrations() throws {
        let first = Array(Migration.shipped.prefix(1))
        let next = Migration(version: 2, name: "notes", checksum: "test", sql: "CREATE TABLE notes (text TEXT);")
        #expect(try Connection(path: path, mode: .readWrite).migrate(first) == 1)
        let connection = try Connection(path: path, mode: .readWrite)
        #expect(try connection.migrate(first + [next]) == 2)
        #expect(try connection.scalar("SELECT name FROM schema_migrations WHERE version = 2") == .text("notes"))
    }

    @Test func aFailingMigrationIsRolledBackAndNamed() throws {
        let first = Array(Migration.shipped.prefix(1))
        let broken = Migration(
            version: 2, name: "broken", checksum: "test",
            sql: "CREATE TABLE half (x); CREATE TABLE oops (;")
        let connection = try Connection(path: path, mode: .readWrite)
        let error = try #require(throws: StoreError.self) { try connection.migrate(first + [broken]) }
        #expect(error.description.contains("0002_broken.sql"))
        #expect(try connection.schemaVersion() == 1)
        #expect(try connection.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'half'") == .integer(0))
    }

    @Test func aChangedMigrationIsRefusedAndTheFileLeftAlone() throws {
        let connection = try Connection(path: path, mode: .readWrite)
        try connection.migrate()
        try connection.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
        let before = try contents(of: path)

        let error = try #require(throws: StoreError.self) {
            try Connection(path: path, mode: .readWrite).migrate()
        }
        #expect(error.code == .migrationChanged)
        #expect(error.path == path)
        #expect(error.message.contains("0001_runs.sql"))
        #expect(error.message.contains("version 1"))
        #expect(error.message.contains("tampered"))
        #expect(try contents(of: path) == before)
    }

    @Test func aNewerSchemaIsRefusedAndTheFileLeftAlone() throws {
        let connection = try Connection(path: path, mode: .readWrite)
        try connection.migrate()
        try connection.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')")
        let before = try contents(of: path)

        let error = try #require(throws: StoreError.self) {
            try Connection(path: path, mode: .readWrite).migrate()
        }
        #expect(error.code == .schemaTooNew)
        #expect(error.message.contains("9999_future.sql"))
        #expect(error.message.contains("newer logbook"))
        #expect(try contents(of: path) == before)
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        try Connection(path: path, mode: .readWrite).execute("CREATE TABLE theirs (x)")
        let before = try contents(of: path)
        let error = try #require(throws: StoreError.self) {
            try Connection(path: path, mode: .readWrite).migrate()
        }
        #expect(error.code == .foreignDatabase)
        #expect(try contents(of: path) == before)
    }
}
