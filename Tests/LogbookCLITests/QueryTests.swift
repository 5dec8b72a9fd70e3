import Foundation
import LogbookTestSupport
import Testing

/// `query` prints any number of rows in bounded memory, stops on Ctrl-C,
/// reads pragmas and text with NUL bytes, and takes SQL from a file or stdin.
@Suite struct QueryTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    init() throws {
        try recordSmallSimulation(into: folder.database)
    }

    /// `count` rows of an integer, a text and a real.
    static func rows(_ count: Int) -> String {
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT \(count)) SELECT x, 'row ' || x AS label, x * 0.5 AS half FROM c"
    }

    /// Rows without end.
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "

    /// A table is slower to print than CSV or JSON (each cell is padded), so
    /// it gets fewer rows: still enough that holding them would take 30 MB.
    @Test(arguments: [("csv", 1_000_000), ("json", 1_000_000), ("table", 300_000)])
    func manyRowsPrintInMemoryThatDoesNotGrow(format: String, rows: Int) throws {
        let few = try peakMemory(["query", "--db", path, "--format", format, Self.rows(1000)])
        let many = try peakMemory(["query", "--db", path, "--format", format, Self.rows(rows)])
        #expect(many - few < 8 << 20, "\(format): peak \(few >> 20) MiB for 1,000 rows, \(many >> 20) MiB for \(rows)")
    }

    @Test func aTableAlignsItsFirstThousandRowsThenStreamsAndSaysSo() throws {
        let result = try logbook("query", "--db", path, Self.rows(1500))
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 + 1500 + 1 + 1)
        #expect(lines[0] == "x     label     half" && lines[1] == "----  --------  -----")
        #expect(lines[2] == "   1  row 1       0.5")
        #expect(lines[1201] == "1200  row 1200  600.0")
        #expect(lines[1502] == "(1500 rows)")
        #expect(
            result.stderr
                == "logbook: more than 1000 rows: columns are sized to the first 1000, later rows may not line up\n")

        let few = try logbook("query", "--db", path, Self.rows(1000))
        #expect(few.stderr.isEmpty && few.stdout.hasSuffix("(1000 rows)\n"))
    }

    @Test(arguments: [
        endless + "SELECT count(*) FROM c",  // one row, never reached
        endless + "SELECT x FROM c",  // rows without end
    ])
    func ctrlCStopsARunningStatement(sql: String) throws {
        let child = try ChildProcess(builtProduct("logbook"), ["query", "--db", path, "--format", "csv", sql])
        // Signal once logbook catches SIGINT, i.e. once the statement runs.
        let deadline = Date().addingTimeInterval(60)
        while !catchesSIGINT(child.pid), Date() < deadline { usleep(2_000) }
        child.signal(SIGINT)
        let result = child.finish(timeout: .seconds(60))
        #expect(!result.timedOut && !result.signalled && result.status == 130, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("logbook: query stopped by a signal"), "\(result.stderr)")
    }

    /// A reader that stalls leaves logbook blocked writing to the pipe; a
    /// signal still stops it.
    @Test func sigtermStopsAQueryBlockedOnAStalledReader() throws {
        let fifo = folder.file("stalled")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = try ChildProcess("/bin/sh", ["-c", #"exec sleep 60 < "$0""#, fifo])
        defer { reader.signal(SIGKILL); _ = reader.finish(timeout: .seconds(10)) }
        let child = try ChildProcess(
            "/bin/sh",
            [
                "-c", #"exec "$0" "$@" > "$FIFO""#, builtProduct("logbook"),
                "query", "--db", path, "--format", "csv", Self.endless + "SELECT x FROM c",
            ],
            environment: ["FIFO": fifo])
        let blocked = waitUntil {
            ((try? String(contentsOfFile: "/proc/\(child.pid)/wchan", encoding: .utf8)) ?? "").contains("pipe_write")
        }
        #expect(blocked, "logbook never blocked writing to the stalled pipe")
        child.signal(SIGTERM)
        let result = child.finish(timeout: .seconds(20))
        #expect(!result.timedOut && !result.signalled && result.status == 130, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("logbook: query stopped by a signal"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("pragma journal_mode", "wal"), ("PRAGMA page_size", "4096"), ("pragma user_version", "0"),
        ("PRAGMA main.journal_mode", "wal"), ("pragma foreign_keys", "0"),
    ])
    func readingPragmasWork(sql: String, value: String) throws {
        let before = try contents(of: path)
        let result = try logbook("query", "--db", path, "--format", "csv", sql)
        #expect(result.status == 0, "\(sql): \(result.stderr)")
        #expect(result.stdout.split(separator: "\r\n").last.map(String.init) == value, "\(sql): \(result.stdout)")
        #expect(try contents(of: path) == before)
    }

    @Test(arguments: [
        "pragma journal_mode = delete", "PRAGMA journal_mode=DELETE", "pragma optimize",
        "pragma wal_checkpoint", "pragma incremental_vacuum", "PRAGMA user_version = 3",
    ])
    func pragmasThatWriteAreRefusedAndChangeNothing(sql: String) throws {
        let before = try contents(of: path)
        let result = try logbook("query", "--db", path, sql)
        #expect(result.status == 2, "\(sql): \(result.stderr)")
        #expect(result.stderr.contains("only reads"), "\(result.stderr)")
        #expect(try contents(of: path) == before)
        #expect(
            try logbook("query", "--db", path, "--format", "csv", "pragma journal_mode").stdout
                == "journal_mode\r\nwal\r\n")
    }

    @Test func textWithNULBytesPrintsWhole() throws {
        let sql = "SELECT 'a' || char(0) || 'b' AS x"
        #expect(try logbook("query", "--db", path, "--format", "csv", sql).stdout == "x\r\na\u{0}b\r\n")
        #expect(
            try logbook("query", "--db", path, "--format", "json", sql).stdout == "[\n  {\"x\": \"a\\u0000b\"}\n]\n")
        #expect(try logbook("query", "--db", path, sql).stdout == "x\n----\na\\0b\n(1 row)\n")
    }

    @Test func sqlLongerThanTheArgumentLimitComesFromAFileOrStandardInput() throws {
        // Longer than Linux's 128 KiB limit on one argument.
        let sql = "SELECT length('\(String(repeating: "x", count: 200_000))') AS n"
        let file = folder.file("long.sql")
        try sql.write(toFile: file, atomically: false, encoding: .utf8)
        let fromFile = try logbook("query", "--db", path, "--format", "csv", "--file", file)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout == "n\r\n200000\r\n")
        let fromStandardInput = try runProcess(
            builtProduct("logbook"), ["query", "--db", path, "--format", "csv", "-"], input: sql)
        #expect(fromStandardInput.status == 0, "\(fromStandardInput.stderr)")
        #expect(fromStandardInput.stdout == "n\r\n200000\r\n")
    }

    @Test(arguments: [
        (["--file", "missing.sql"], "cannot read the SQL from missing.sql: No such file or directory"),
        (["--file", "q.sql", "SELECT 1"], "give the SQL statement or --file, not both"),
        ([], "give the SQL statement, --file PATH, or - to read it from standard input"),
    ])
    func sqlFromNowhereOrTwoPlacesIsBadUsage(arguments: [String], message: String) throws {
        let result = try runProcess(builtProduct("logbook"), ["query", "--db", path] + arguments, in: folder.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// Peak resident memory in bytes of `logbook arguments`, which must succeed.
    private func peakMemory(_ arguments: [String]) throws -> Int {
        let peak = try logbookPeakMemory(arguments)
        #expect(peak.status == 0, "\(arguments)")
        return peak.bytes
    }

    /// True once the logbook binary itself catches SIGINT (the SigCgt mask
    /// of /proc/PID/status). The image is
    /// checked too: while the child is being spawned, /proc shows the test
    /// runner's own handlers, and a signal then would find none after exec.
    private func catchesSIGINT(_ pid: Int32) -> Bool {
        let image = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
        guard
            image.map({ URL(filePath: $0).standardizedFileURL.path() })
                == URL(filePath: builtProduct("logbook")).resolvingSymlinksInPath().standardizedFileURL.path(),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
            let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(SIGINT - 1)) != 0
    }
}
