import Foundation
import LogbookStore
import LogbookTestSupport
import SimulationSchema
import Testing

@Suite struct CommandTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    @Test func initCreatesTheDatabaseAndPrintsItsVersion() throws {
        let result = try logbook("init", "--db", path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(path): schema version \(Migration.shipped.count)\n")
        #expect(try Connection(path: path, mode: .readOnly).schemaVersion() == Migration.shipped.count)
        // Again: nothing to do, same answer.
        #expect(try logbook("init", "--db", path).stdout == result.stdout)
    }

    @Test func theBinaryCopiedAloneToAnEmptyFolderCreatesAWorkingDatabase() throws {
        let alone = TemporaryDirectory()
        let binary = alone.file("logbook")
        try FileManager.default.copyItem(atPath: builtProduct("logbook"), toPath: binary)
        #expect(try FileManager.default.contentsOfDirectory(atPath: alone.path) == ["logbook"])

        let created = try runProcess(binary, ["init"], in: alone.path, environment: [:])
        #expect(created.status == 0, "\(created.stderr)")
        let query = try runProcess(
            binary, ["query", "--format", "csv", "SELECT version, name FROM schema_migrations"],
            in: alone.path, environment: [:])
        let expected = Migration.shipped.map { "\($0.version),\($0.name)\r\n" }.joined()
        #expect(query.stdout == "version,name\r\n" + expected)
    }

    @Test func theDatabaseComesFromDbThenLOGBOOK_DBThenTheCurrentFolder() throws {
        #expect(try logbook("--db", path, "init").status == 0)
        #expect(FileManager.default.fileExists(atPath: path))
        let fromEnvironment = folder.file("env.sqlite")
        #expect(try logbook("init", environment: ["LOGBOOK_DB": fromEnvironment]).status == 0)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment))
        #expect(try logbook("init", in: folder.path, environment: [:]).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("logbook.sqlite")))
    }

    @Test func readingAMissingFileSaysSoAndCreatesNothing() throws {
        for arguments in [["runs", "--db", path], ["query", "--db", path, "SELECT 1"]] {
            let result = try runProcess(builtProduct("logbook"), arguments)
            #expect(result.status == 3)
            #expect(result.stderr.contains(path))
            #expect(result.stderr.contains("no database"))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test(arguments: [
        "INSERT INTO runs (kind, config, logbook_version) VALUES ('crawl', '{}', 'x')",
        "UPDATE runs SET status = 'failed'",
        "DELETE FROM runs",
        "DROP TABLE runs",
        "CREATE TABLE mine (x)",
        "ATTACH 'other.sqlite' AS other",
        "PRAGMA user_version = 7",
        "PRAGMA journal_mode = DELETE",
        "VACUUM",
        "SELECT 1; DELETE FROM runs",
    ])
    func queryRefusesWritesAndLeavesTheFileUnchanged(sql: String) throws {
        try record(runs: 2)
        let before = try contents(of: path)
        let result = try logbook("query", "--db", path, sql, in: folder.path)
        #expect(result.status == 2, "\(sql): \(result.stderr)")
        #expect(result.stderr.contains(path))
        #expect(result.stdout.isEmpty)
        #expect(try contents(of: path) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.file("other.sqlite")))
    }

    @Test func queryReportsBadSQLInSQLitesWords() throws {
        try record(runs: 1)
        let syntax = try logbook("query", "--db", path, "SELEC * FROM runs")
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("near \"SELEC\": syntax error"))
        let noTable = try logbook("query", "--db", path, "SELECT * FROM nowhere")
        #expect(noTable.status == 2)
        #expect(noTable.stderr.contains("no such table: nowhere"))
    }

    @Test func queryAllowsReadingPragmas() throws {
        try record(runs: 1)
        let result = try logbook("query", "--db", path, "--format", "csv", "PRAGMA table_info(runs)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(",kind,TEXT,"))
    }

    @Test func csvParsesBackIntoTheSameValues() throws {
        let summaries = ["plain", "comma, inside", "a \"quoted\" word", "two\nlines", "ünïcødé ✓", ""]
        try record(runs: summaries.count, summaries: summaries)
        let result = try logbook(
            "query", "--db", path, "--format", "csv", "SELECT id, summary, NULL AS absent FROM runs ORDER BY id")
        #expect(result.status == 0, "\(result.stderr)")
        let parsed =
            try python(
                """
                import csv, io, json, sys
                print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))
                """, input: result.stdout) as? [[String]]
        let expected =
            [["id", "summary", "absent"]] + summaries.enumerated().map { [String($0.offset + 1), $0.element, ""] }
        #expect(parsed == expected)
        #expect(result.stdout.hasSuffix("\r\n"))
    }

    @Test func jsonParsesBackWithSQLitesTypes() throws {
        try record(runs: 2, summaries: ["tab\there \"q\" \\ back", "second"])
        let result = try logbook(
            "query", "--db", path, "--format", "json",
            """
            SELECT id, summary, 1.5 AS real, 3.0 AS whole_real, NULL AS absent, x'00ff10' AS bytes, id AS id
            FROM runs ORDER BY id
            """)
        #expect(result.status == 0, "\(result.stderr)")
        // Python's json keeps integers and reals apart, so the types are checked too.
        let described =
            try python(
                """
                import json, sys
                rows = json.load(sys.stdin)
                print(json.dumps([[[k, type(v).__name__, v] for k, v in row.items()] for row in rows]))
                """, input: result.stdout) as? [[[Any]]]
        let first = try #require(described?.first)
        #expect(
            first.map { "\($0[0]):\($0[1])" } == [
                "id:int", "summary:str", "real:float", "whole_real:float", "absent:NoneType", "bytes:dict", "id:2:int",
            ])
        #expect(first[1][2] as? String == "tab\there \"q\" \\ back")
        #expect((first[5][2] as? [String: String])?["base64"] == "AP8Q")
        #expect(described?.count == 2)

        let empty = try logbook("query", "--db", path, "--format", "json", "SELECT * FROM runs WHERE 0")
        #expect(
            try python("import json, sys; print(json.dumps(json.load(sys.stdin)))", input: empty.stdout) as? [Any]
                != nil)
    }

    @Test func runsListsEveryRunInEachFormat() throws {
        try record(runs: 3, summaries: ["first", "second", "third"])
        let table = try logbook("runs", "--db", path)
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(
            lines.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                "id", "kind", "status", "started", "finished", "later", "summary",
            ])
        #expect(lines.count == 2 + 3 + 1)
        #expect(lines[2].contains("simulation") && lines[2].contains("completed") && lines[2].hasSuffix("first"))

        let json = try logbook("runs", "--db", path, "--format", "json")
        let rows =
            try python("import json, sys; print(json.dumps(json.load(sys.stdin)))", input: json.stdout)
            as? [[String: Any]]
        #expect(rows?.map { $0["summary"] as? String } == ["first", "second", "third"])
        #expect(rows?.first?["finished"] is String)
    }

    @Test func aCorruptFileGivesAClearErrorAndStaysUnchanged() throws {
        try writeRandomBytes(16 << 10, to: path)
        let before = try contents(of: path)
        for arguments in [["init"], ["runs"], ["query", "SELECT 1"]] {
            let result = try runProcess(builtProduct("logbook"), arguments + ["--db", path])
            #expect(result.status == 3, "\(arguments)")
            #expect(result.stderr.contains("\(path): ") && result.stderr.contains("not a database"), "\(result.stderr)")
        }
        #expect(try contents(of: path) == before)
    }

    @Test func aReadOnlyFileCanBeReadButNotWritten() throws {
        try record(runs: 1)
        try makeReadOnly(path)
        let before = try contents(of: path)
        let written = try logbook("init", "--db", path)
        #expect(written.status == 3)
        #expect(written.stderr.contains(path) && written.stderr.contains("read-only"), "\(written.stderr)")
        let read = try logbook("runs", "--db", path, "--format", "csv")
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.split(separator: "\r\n").count == 2)
        #expect(try contents(of: path) == before)
    }

    @Test(arguments: [["runs", "--bogus"], ["runs", "--format", "xml"], ["nonsense"], ["query"]])
    func badUsageExitsWithTwo(arguments: [String]) throws {
        let result = try runProcess(builtProduct("logbook"), arguments + ["--db", path])
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test func helpAndVersionSucceed() throws {
        #expect(try logbook("--help").status == 0)
        #expect(try logbook("--version").stdout == LogbookVersion.current + "\n")
    }

    /// Records `runs` completed simulation runs through the Recorder.
    private func record(runs: Int, summaries: [String]? = nil) throws {
        let recorder = try Recorder(path: path)
        for index in 0..<runs {
            let id = try recorder.ask(StartRun(kind: .simulation, config: "{}"))
            try recorder.send(UpdateRun(id: id, status: .completed, summary: summaries?[index]))
        }
        try recorder.close()
    }

    /// Runs a Python 3 snippet (an independent parser) and decodes its JSON answer.
    private func python(_ code: String, input: String) throws -> Any {
        let result = try runProcess("/usr/bin/env", ["python3", "-c", code], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}
