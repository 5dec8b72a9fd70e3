import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// What `--db` may name, what readers leave behind, and which files every
/// command refuses: each command checks the file the same way.
@Suite struct DatabaseFileTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// The names in the folder, and each file's bytes.
    func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try contents(of: directory + "/" + name)
        }
        return files
    }

    /// A database holding one small simulation, closed cleanly.
    func recordSimulation(in database: String) throws {
        let result = try logbook("simulate", "--db", database, "--particles", "10", "--steps", "20", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// An SQLite file another program made, in its default rollback-journal mode.
    func makeForeignFile(_ path: String) throws {
        let made = try runProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1]); db.execute("CREATE TABLE theirs (x)"); db.commit(); db.close()
                """, path,
            ])
        #expect(made.status == 0, "\(made.stderr)")
    }

    @Test(arguments: [["runs"], ["query", "SELECT 1"], ["init"], ["simulate", "--particles", "2", "--steps", "1"]])
    func aFIFOOrAFolderIsRefusedNamingThePath(command: [String]) throws {
        let fifo = folder.file("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        let fromFIFO = try runProcess(builtProduct("logbook"), command + ["--db", fifo], timeout: .seconds(60))
        #expect(fromFIFO.status == 3 && !fromFIFO.timedOut, "\(fromFIFO.stderr)")
        #expect(fromFIFO.stderr.contains("\(fifo): is a FIFO"), "\(fromFIFO.stderr)")
        let fromFolder = try runProcess(builtProduct("logbook"), command + ["--db", folder.path])
        #expect(fromFolder.status == 3)
        #expect(fromFolder.stderr.contains("\(folder.path): is a folder, not a database file"), "\(fromFolder.stderr)")
    }

    @Test(arguments: ["", ":memory:"])
    func aPathThatNamesNoFileIsBadUsage(database: String) throws {
        for command in [["init"], ["runs"], ["simulate", "--particles", "2", "--steps", "1"]] {
            let result = try runProcess(builtProduct("logbook"), command + ["--db", database], in: folder.path)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("names no file"), "\(result.stderr)")
            #expect(!result.stdout.contains("completed"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func aFileNamedLikeAURIIsAFile() throws {
        let odd = "file:odd?mode=memory#x.sqlite"
        try recordSimulation(in: folder.file(odd))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [odd])
        let runs = try runProcess(builtProduct("logbook"), ["runs", "--db", odd, "--format", "csv"], in: folder.path)
        #expect(runs.stdout.contains(",simulation,completed,"), "\(runs.stderr)")
    }

    @Test(arguments: [
        ["init"], ["simulate", "--particles", "2", "--steps", "1"], ["runs"], ["query", "SELECT 1"],
        ["diff", "1", "2"], ["report", "1", "--out", "r.html"], ["plot", "1", "--out", "p.svg"], ["links"],
        ["export", "1", "--to", "copy.sqlite"],
    ])
    func anotherProgramsFileIsRefusedByEveryCommandAndLeftByteForByte(command: [String]) throws {
        try makeForeignFile(path)
        let before = try snapshot(folder.path)
        let result = try runProcess(builtProduct("logbook"), command + ["--db", path], in: folder.path)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("\(path): this SQLite file was not made by logbook"), "\(result.stderr)")
        #expect(!result.stderr.contains("init"), "no `logbook init` hint for another program's file")
        #expect(try snapshot(folder.path) == before)
    }

    @Test(arguments: [
        ["runs"], ["query", "SELECT 1"], ["diff", "1", "1"], ["report", "1", "--out", "-"],
        ["plot", "1", "--out", "-"],
    ])
    func readersLeaveTheFolderAsItWas(command: [String]) throws {
        try recordSimulation(in: path)
        let before = try snapshot(folder.path)
        let result = try runProcess(builtProduct("logbook"), command + ["--db", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try snapshot(folder.path) == before)
    }

    /// `export` reads its source as the readers do: its folder is left as it was.
    @Test func anExportLeavesItsSourcesFolderAsItWas() throws {
        let source = folder.file("source")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: false)
        try recordSimulation(in: source + "/runs.sqlite")
        let before = try snapshot(source)
        let result = try logbook("export", "1", "--db", source + "/runs.sqlite", "--to", folder.file("copy.sqlite"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try snapshot(source) == before)
    }

    @Test func readersWorkInAFolderNothingCanWrite() throws {
        let locked = folder.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        let database = locked + "/runs.sqlite"
        try recordSimulation(in: database)
        try makeReadOnly(locked)
        let before = try snapshot(locked)
        for command in [
            ["runs"], ["query", "SELECT count(*) FROM frames"], ["diff", "1", "1"], ["plot", "1", "--out", "-"],
        ] {
            let result = try runProcess(builtProduct("logbook"), command + ["--db", database])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        #expect(try snapshot(locked) == before)
    }

    @Test func aReaderOfAnotherUsersFileLeavesNothingTheOwnerTripsOn() throws {
        guard getuid() == 0 else { return }  // needs root to act as another user
        // A folder anyone may write in, like /tmp; the database is root's.
        let shared = folder.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        #expect(chmod(folder.path, 0o755) == 0 && chmod(shared, 0o1777) == 0)
        let database = shared + "/runs.sqlite"
        try recordSimulation(in: database)
        let before = try snapshot(shared)
        let read = try runProcess(
            "/usr/sbin/runuser", ["-u", "nobody", "--", builtProduct("logbook"), "runs", "--db", database])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(try snapshot(shared) == before)
        // The owner's next run still writes.
        #expect(try logbook("simulate", "--db", database, "--particles", "10", "--steps", "5", "--quiet").status == 0)
    }

    @Test func aChangedMigrationOrANewerFileIsRefusedByReaders() throws {
        try recordSimulation(in: path)
        let tampered = folder.file("tampered.sqlite"), newer = folder.file("newer.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: tampered)
        try FileManager.default.copyItem(atPath: path, toPath: newer)
        try Connection(path: tampered, mode: .readWrite).execute(
            "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        try Connection(path: newer, mode: .readWrite).execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')")
        for command in [["runs"], ["query", "SELECT 1"], ["diff", "1", "1"], ["resume"]] {
            let changed = try runProcess(builtProduct("logbook"), command + ["--db", tampered])
            #expect(changed.status == 3, "\(command): \(changed.stderr)")
            #expect(
                changed.stderr.contains(
                    "\(tampered): migration 0001_runs.sql (version 1) was applied with checksum edited"),
                "\(changed.stderr)")
            let future = try runProcess(builtProduct("logbook"), command + ["--db", newer])
            #expect(future.status == 3, "\(command): \(future.stderr)")
            #expect(
                future.stderr.contains(
                    "\(newer): migration 9999_future.sql (version 9999) was applied by a newer logbook"),
                "\(future.stderr)")
        }
    }

    @Test func anOlderFileNamesInitToEveryReader() throws {
        let older = try Connection(path: path, mode: .readWrite)
        try older.migrate(Array(Migration.shipped.prefix(3)))
        try older.execute(
            "INSERT INTO runs (kind, status, config, logbook_version) VALUES ('simulation', 'interrupted', '{}', '0.0.1')"
        )
        for command in [["runs"], ["query", "SELECT * FROM runs"], ["resume"]] {
            let result = try runProcess(builtProduct("logbook"), command + ["--db", path])
            #expect(result.status == 3, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("written by an older logbook (schema 3 of"), "\(result.stderr)")
            #expect(result.stderr.contains("logbook init --db \(path)"))
        }
    }
}
