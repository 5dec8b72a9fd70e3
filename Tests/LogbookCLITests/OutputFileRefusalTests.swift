import Foundation
import LogbookTestSupport
import Testing

/// What `report`/`plot --out` refuse or write in place rather than replace:
/// the database being read and any SQLite file, an empty path, a read-only
/// file; the names of inherited descriptors (`/dev/stdout`, `/dev/fd/N`).
@Suite struct OutputFileRefusalTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    init() throws {
        try recordSmallSimulation(into: folder.database)
    }

    /// The plot of run 1, as `--out -` writes it.
    func plot() throws -> String {
        try succeeding("plot", "--db", path, "1", "--out", "-")
    }

    @Test(arguments: ["test.sqlite", "../NAME/test.sqlite", "link.sqlite", "test.sqlite-wal", "test.sqlite-shm"])
    func theDatabaseBeingReadIsRefused(name: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: folder.file("link.sqlite"), withDestinationPath: "test.sqlite")
        let out = folder.file(name.replacingOccurrences(of: "NAME", with: URL(filePath: folder.path).lastPathComponent))
        let before = try contents(of: path)
        for command in ["report", "plot"] {
            let result = try logbook(command, "--db", path, "1", "--out", out)
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(
                result.stderr.contains("--out \(out) is ") && result.stderr.contains("database being read"),
                "\(result.stderr)")
        }
        #expect(try contents(of: path) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("link.sqlite")) == "test.sqlite")
        #expect(try logbook("runs", "--db", path).status == 0)
    }

    @Test func anotherSQLiteDatabaseIsRefused() throws {
        let other = folder.file("other.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: other)
        let before = try contents(of: other)
        let result = try logbook("report", "--db", path, "1", "--out", other)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("\(other) is an SQLite database; refusing to replace it with a report"),
            "\(result.stderr)")
        #expect(try contents(of: other) == before)
    }

    @Test func anEmptyPathIsBadUsage() throws {
        let result = try logbook("report", "--db", path, "1", "--out", "")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--out needs a path"), "\(result.stderr)")
    }

    /// A shell opened the file for appending; logbook writes through its descriptor.
    @Test(arguments: [
        ("/dev/stdout", ">>"), ("/proc/self/fd/1", ">>"), ("/dev/fd/3", "3>>"), ("/dev/stderr", "2>>"),
    ])
    func anInheritedDescriptorIsWrittenToInPlace(out: String, redirection: String) throws {
        let log = folder.file("app.txt")
        try "before\n".write(toFile: log, atomically: false, encoding: .utf8)
        let inode = try FileManager.default.attributesOfItem(atPath: log)[.systemFileNumber] as? Int
        let command = #"exec "$0" plot 1 --db "$DB" --out "$OUT" "# + redirection + #" "$LOG""#
        let result = try runProcess(
            "/bin/sh", ["-c", command, builtProduct("logbook")],
            environment: ["DB": path, "OUT": out, "LOG": log], timeout: .seconds(120))
        #expect(result.status == 0, "\(out): \(result.stderr)")
        let written = try String(contentsOfFile: log, encoding: .utf8)
        let document = try plot()
        #expect(written.hasPrefix("before\n<svg") && written.contains(document), "\(out): \(written.prefix(80))")
        #expect(!written.contains("wrote "), "the document alone")
        #expect(
            try FileManager.default.attributesOfItem(atPath: log)[.systemFileNumber] as? Int == inode, "not replaced")
    }

    @Test func aDescriptorNotOpenIsAFailure() throws {
        let result = try logbook("plot", "--db", path, "1", "--out", "/dev/fd/9")
        #expect(
            result.status == 3 && result.stderr.contains("cannot write /dev/fd/9: Bad file descriptor"),
            "\(result.stderr)")
    }

    @Test func aFolderTheUserCannotWriteIsNamed() throws {
        guard getuid() == 0 else { return }  // needs root to act as another user
        #expect(chmod(folder.path, 0o755) == 0 && chmod(path, 0o644) == 0)
        let readOnly = folder.file("ro")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: false)
        #expect(chmod(readOnly, 0o755) == 0)
        let out = readOnly + "/existing.svg"
        try "old".write(toFile: out, atomically: false, encoding: .utf8)
        #expect(chmod(out, 0o666) == 0)
        let result = try runProcess(
            "/usr/sbin/runuser",
            [
                "-u", "nobody", "--", builtProduct("logbook"),
                "plot", "--db", path, "1", "--out", out,
            ])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains("cannot write \(readOnly) (the folder of \(out)): Permission denied"),
            "\(result.stderr)")
    }

    @Test func aReadOnlyFileIsRefused() throws {
        let out = folder.file("kept.svg")
        try "old".write(toFile: out, atomically: false, encoding: .utf8)
        #expect(chmod(out, 0o444) == 0)
        let result = try logbook("plot", "--db", path, "1", "--out", out)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("logbook: \(out) is read-only"), "\(result.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "old")
    }

    @Test func rootKeepsTheOwnerOfAReplacedFile() throws {
        guard getuid() == 0 else { return }  // only root can give a file away
        let out = folder.file("theirs.svg")
        try "old".write(toFile: out, atomically: false, encoding: .utf8)
        #expect(chown(out, 65534, 65534) == 0)
        let result = try logbook("plot", "--db", path, "1", "--out", out)
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect(attributes[.ownerAccountID] as? Int == 65534 && attributes[.groupOwnerAccountID] as? Int == 65534)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == (try plot()))
    }
}
