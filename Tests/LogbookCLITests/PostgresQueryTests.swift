import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `logbook query` on PostgreSQL: what may not write does not, and Ctrl-C
/// stops a statement the server is running.
@Suite(.serialized) final class PostgresQueryTests {
    let server: PostgresServer
    let database: String

    init() throws {
        server = try PostgresServer()
        database = try server.makeDatabase()
        try Connection(path: database, mode: .readWrite).migrate()
    }

    func query(_ sql: String) throws -> ProcessResult {
        try runProcess(builtProduct("logbook"), ["query", "--db", database, sql])
    }

    @Test func writesAreRefusedAndWhatAFunctionWroteIsRolledBack() throws {
        for sql in [
            "DELETE FROM runs", "WITH gone AS (DELETE FROM runs RETURNING 1) SELECT * FROM gone",
            "SELECT nextval(pg_get_serial_sequence('runs', 'id'))", "SELECT 1; SELECT 2", "COPY runs TO STDOUT",
        ] {
            let refused = try query(sql)
            #expect(refused.status == 2, "\(sql): \(refused.stderr)")
        }
        // A large object is written without touching a table, inside the query's transaction: never committed.
        #expect(try query("SELECT lo_from_bytea(0, 'kept?')").status == 0)
        let objects = try Connection(path: database, mode: .readOnly).scalar(
            "SELECT count(*) FROM pg_largeobject_metadata")
        #expect(objects == .integer(0))
    }

    @Test func ctrlCCancelsAStatementTheServerIsRunning() throws {
        let child = try ChildProcess(builtProduct("logbook"), ["query", "--db", database, "SELECT pg_sleep(120)"])
        #expect(waitUntil { (try? self.activeSleeps()) == 1 })
        child.signal(SIGINT)
        let ended = child.finish(timeout: .seconds(20))
        #expect(!ended.timedOut)
        #expect(ended.status == 130, "\(ended.stderr)")
        #expect(waitUntil { (try? self.activeSleeps()) == 0 }, "the server stopped the statement too")
    }

    private func activeSleeps() throws -> Int64 {
        guard
            case .integer(let count) = try Connection(path: server.url(), mode: .readOnly).scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(120)%' AND state = 'active'")
        else { return -1 }
        return count
    }
}
