import Foundation
import LogbookTestSupport
import Testing

/// What `query` takes as its statement and how it answers SQL that fails:
/// bounded input, exit 2 for the SQL's own faults, SQL that starts with "-".
@Suite struct QueryStatementTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    init() throws {
        try recordSmallSimulation(into: folder.database)
    }

    @Test(arguments: [#"exec "$0" query --db "$DB" --file /dev/zero"#, #"yes | exec "$0" query --db "$DB" -"#])
    func endlessSQLIsRefusedOnceTooLong(command: String) throws {
        let result = try runProcess(
            "/bin/sh", ["-c", command, builtProduct("logbook")], environment: ["DB": path],
            timeout: .seconds(120))
        #expect(!result.timedOut && result.status == 2, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("is longer than 100000000 bytes"), "\(result.stderr)")
        #expect(result.stderr.contains("/dev/zero") || result.stderr.contains("standard input"), "\(result.stderr)")
    }

    @Test func sqlFromAFIFOIsRead() throws {
        let fifo = folder.file("q.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try runProcess(
            "/bin/sh",
            [
                "-c", #"echo "SELECT 41 + 1 AS n" > "$FIFO" & exec "$0" query --db "$DB" --format csv --file "$FIFO""#,
                builtProduct("logbook"),
            ], environment: ["DB": path, "FIFO": fifo])
        #expect(result.status == 0 && result.stdout == "n\r\n42\r\n", "\(result.stderr)")
    }

    @Test(arguments: [
        "select load_extension('x')",  // not authorized
        "SELECT abs(-9223372036854775807 - 1)",  // integer overflow
        "SELECT json('{')",  // malformed JSON
        "SELECT zeroblob(2000000000)",  // string or blob too big
        "SELECT * FROM nosuchtable",
    ])
    func sqlThatFailsByItsOwnFaultIsBadUsage(sql: String) throws {
        let result = try logbook("query", "--db", path, sql)
        #expect(result.status == 2, "\(sql): \(result.status) \(result.stderr)")
        #expect(result.stderr.hasPrefix("logbook: "), "\(result.stderr)")
    }

    @Test(arguments: ["begin", "BEGIN IMMEDIATE", "savepoint a", "release a", "commit", "rollback", "end"])
    func transactionControlIsNotAQuery(sql: String) throws {
        let result = try logbook("query", "--db", path, sql)
        #expect(result.status == 2, "\(sql): \(result.status) \(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("not queries"), "\(result.stderr)")
    }

    @Test func sqlStartingWithADashIsTheStatement() throws {
        let comment = try logbook("query", "--format", "csv", "-- a note\nSELECT 1 AS one", "--db", path)
        #expect(comment.status == 0 && comment.stdout == "one\r\n1\r\n", "\(comment.stderr)")
        let negative = try logbook("query", "--db", path, "-1 + 3 AS n", "--format", "csv")
        #expect(negative.status == 2 && negative.stderr.contains("bad SQL"), "\(negative.stderr)")
        let two = try logbook("query", "--db", path, "SELECT 1", "SELECT 2")
        #expect(two.status == 2 && two.stderr.contains("give one SQL statement"), "\(two.stderr)")
    }
}
