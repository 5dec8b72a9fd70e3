import Foundation
import LogbookStore
import LogbookTestSupport
import Synchronization
import Testing

/// The store on a real PostgreSQL 15: migrations, the Recorder, readers and
/// the errors a user meets. One server for the suite, a database per test.
@Suite(.serialized) final class PostgresStoreTests {
    let server: PostgresServer

    init() throws { server = try PostgresServer() }

    @Test func migratesAnEmptyDatabaseOnceAndRecordsEveryMigration() throws {
        let url = try server.makeDatabase()
        let connection = try Connection(path: url, mode: .readWrite)
        #expect(try connection.migrate() == Migration.shippedForPostgres.count)
        #expect(try connection.migrate() == Migration.shippedForPostgres.count)
        let recorded = try connection.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        for shipped in Migration.shippedForPostgres {
            #expect(try recorded.step())
            #expect(recorded.int64(0) == Int64(shipped.version))
            #expect(recorded.text(1) == shipped.name)
            #expect(recorded.text(2) == shipped.checksum)
        }
        #expect(try !recorded.step())
        // The same tables and views as SQLite's, by name.
        for table in ["runs", "urls", "fetches", "links", "anchors", "frames", "states", "particles"] {
            #expect(try connection.scalar("SELECT to_regclass('\(table)') IS NOT NULL") == .integer(1))
        }
        for view in ["dead_links", "crawl_summary", "broken_fragments", "trajectory"] {
            #expect(try connection.scalar("SELECT to_regclass('\(view)') IS NOT NULL") == .integer(1))
        }
    }

    /// Processes starting one shared crawl at once migrate the same new database together.
    @Test func connectionsMigratingOneNewDatabaseAtOnceAllSucceed() throws {
        let url = try server.makeDatabase()
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                try Connection(path: url, mode: .readWrite).migrate()
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let count = try Connection(path: url, mode: .readOnly).scalar("SELECT count(*) FROM schema_migrations")
        #expect(count == .integer(Int64(Migration.shippedForPostgres.count)))
    }

    /// The PostgreSQL schema gives the same rows as SQLite's for the same
    /// data, view by view (scripts/check-postgres-schema, with the sqlite3 tool).
    @Test func theSchemaMatchesSQLitesRowForRow() throws {
        let folder = TemporaryDirectory()
        let script = URL(filePath: #filePath).deletingLastPathComponent()
            .appending(path: "../../scripts/check-postgres-schema").standardized.path()
        let result = try runProcess(script, [try server.makeDatabase(), folder.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func refusesADatabaseHoldingAnotherProgramsTables() throws {
        let url = try server.makeDatabase()
        try Connection(path: url, mode: .readWrite).execute("CREATE TABLE invoices (id integer)")
        let error = #expect(throws: StoreError.self) { try Connection(path: url, mode: .readWrite).migrate() }
        #expect(error?.code == .foreignDatabase)
        #expect(error?.message.contains("logbook did not make") == true)
        // Nothing was added beside it.
        let tables = try Connection(path: url, mode: .readOnly).scalar(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables == .integer(1))
    }

    @Test func refusesAChangedMigrationAndANewerSchema() throws {
        let url = try server.makeDatabase()
        let connection = try Connection(path: url, mode: .readWrite)
        try connection.migrate()
        try connection.execute("UPDATE schema_migrations SET checksum = 'abc' WHERE version = 2")
        let changed = #expect(throws: StoreError.self) { try Connection(path: url, mode: .readWrite).migrate() }
        #expect(changed?.code == .migrationChanged)
        try connection.execute(
            """
            UPDATE schema_migrations SET checksum = '\(Migration.shippedForPostgres[1].checksum)' WHERE version = 2;
            INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'future', 'x')
            """)
        let newer = #expect(throws: StoreError.self) {
            try Connection(path: url, mode: .readOnly).requireCurrentSchema()
        }
        #expect(newer?.code == .schemaTooNew)
    }

    /// The Recorder writes PostgreSQL as it writes SQLite: batches, answers, flush.
    @Test func theRecorderWritesAndAnswersOnPostgreSQL() throws {
        let url = try server.makeDatabase()
        let recorder = try Recorder(path: url)
        #expect(recorder.schemaVersion == Migration.shippedForPostgres.count)
        let first = try recorder.start(StartRun(kind: RunKind(rawValue: "crawl"), config: "{}"))
        let second = try recorder.start(StartRun(kind: RunKind(rawValue: "simulation"), config: #"{"n": 1}"#))
        #expect(second > first)
        try recorder.send(UpdateRun(id: first, status: .completed, summary: "done"))
        try recorder.close()
        let reader = try Connection(path: url, mode: .readOnly)
        let runs = try reader.runs()
        #expect(runs.map(\.id) == [first, second])
        #expect(runs.map(\.status) == [.completed, .running])
        #expect(runs.first?.summary == "done")
        #expect(runs.first?.finishedAt?.hasSuffix("Z") == true)
    }

    @Test func aReadOnlyConnectionCannotWrite() throws {
        let url = try server.makeDatabase()
        try Connection(path: url, mode: .readWrite).migrate()
        let error = #expect(throws: StoreError.self) {
            try Connection(path: url, mode: .readOnly).execute("DELETE FROM runs")
        }
        #expect(error?.sqlState == "25006")
    }

    @Test func connectionErrorsNameTheServerAndTheCause() throws {
        let wrongPort = #expect(throws: StoreError.self) {
            try Connection(path: "postgres://logbook@127.0.0.1:1/postgres", mode: .readWrite)
        }
        #expect(wrongPort?.description.contains("127.0.0.1:1") == true)
        #expect(wrongPort?.message.contains("cannot connect") == true)
        let noSuchDatabase = #expect(throws: StoreError.self) {
            try Connection(path: server.url("missing"), mode: .readWrite)
        }
        #expect(noSuchDatabase?.message.contains("\"missing\" does not exist") == true)
        let noSuchUser = #expect(throws: StoreError.self) {
            try Connection(path: "postgres://nobody@127.0.0.1:\(server.port)/postgres", mode: .readWrite)
        }
        #expect(noSuchUser?.message.contains("\"nobody\" does not exist") == true)
        let password = #expect(throws: StoreError.self) {
            try Connection(path: "postgres://logbook:secret@127.0.0.1:\(server.port)/postgres", mode: .readWrite)
        }
        #expect(password?.description.contains("secret") == false)
        #expect(password?.message.contains("PGPASSWORD") == true)
        for url in [
            "postgres://logbook@127.0.0.1:\(server.port)/postgres?password=secret",
            "postgresql:///postgres?host=127.0.0.1&port=\(server.port)&sslpassword=secret",
            "postgres://logbook:secret@[127.0.0.1",
        ] {
            let refused = #expect(throws: StoreError.self) { try Connection(path: url, mode: .readWrite) }
            #expect(refused?.description.contains("secret") == false, "\(url)")
        }
    }
}
