import Foundation
import LogbookTestSupport
import Testing

/// `report`/`plot --out` write what the path names without replacing what
/// they should not: links are followed, devices and FIFOs written to,
/// directories and missing folders refused, a file's permissions kept.
@Suite struct OutputFileTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    init() throws {
        try recordSmallSimulation(into: folder.database)
    }

    /// The plot of run 1, as `--out -` writes it.
    func plot() throws -> String {
        try succeeding("plot", "--db", path, "1", "--out", "-")
    }

    @Test func aSymbolicLinkIsWrittenThroughAndStays() throws {
        let target = folder.file("target.svg")
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        let link = folder.file("link.svg")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.svg")

        let result = try logbook("plot", "--db", path, "1", "--out", link)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.svg")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == plot())
        #expect(try written() == ["link.svg", "target.svg"])
    }

    @Test func aLinkToAFileNotThereYetCreatesIt() throws {
        try FileManager.default.createDirectory(atPath: folder.file("sub"), withIntermediateDirectories: false)
        let link = folder.file("dangling.html")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "sub/report.html")
        let result = try logbook("report", "--db", path, "1", "--out", link)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "sub/report.html")
        #expect(try String(contentsOfFile: folder.file("sub/report.html"), encoding: .utf8).contains("<html"))
    }

    @Test func aCharacterDeviceIsWrittenToNotReplaced() throws {
        // As root, a logbook that replaced the node would replace the system's
        // /dev/null: root gets a null device of its own in the test's folder.
        let device = getuid() == 0 ? folder.file("null") : "/dev/null"
        if getuid() == 0 {
            var null = stat()
            #expect(stat("/dev/null", &null) == 0 && mknod(device, S_IFCHR | 0o666, null.st_rdev) == 0)
        }
        let before = try FileManager.default.attributesOfItem(atPath: device)
        let result = try logbook("report", "--db", path, "1", "--out", device)
        #expect(result.status == 0, "\(result.stderr)")
        let after = try FileManager.default.attributesOfItem(atPath: device)
        #expect(after[.type] as? FileAttributeType == .typeCharacterSpecial)
        #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
    }

    @Test func aFIFOIsWrittenToItsReader() throws {
        let fifo = folder.file("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = try ChildProcess("/bin/cat", [fifo])
        let result = try logbook("plot", "--db", path, "1", "--out", fifo)
        #expect(result.status == 0, "\(result.stderr)")
        let read = reader.finish(timeout: .seconds(60))
        #expect(read.status == 0 && !read.timedOut)
        #expect(read.stdout == (try plot()))
        #expect(isFIFO(fifo), "still a FIFO, not a file put in its place")
    }

    @Test(arguments: [
        ("a directory", "", "Is a directory"),
        ("a missing folder", "missing/report.html", "No such file or directory"),
    ])
    func isRefusedWithTheOSReason(what: String, name: String, reason: String) throws {
        let out = name.isEmpty ? folder.path : folder.file(name)
        for command in ["report", "plot"] {
            let result = try logbook(command, "--db", path, "1", "--out", out)
            #expect(result.status == 3, "\(what): \(result.stderr)")
            // The temporary file is made in the folder: a missing one is named.
            let named = name.isEmpty ? out : "\(folder.file("missing")) (the folder of \(out))"
            #expect(result.stderr.contains("cannot write \(named): \(reason)"), "\(what): \(result.stderr)")
            #expect(!result.stderr.contains("Usage:"))
        }
        #expect(try written() == [], "no temporary file left")
    }

    @Test func aReplacedFileKeepsItsPermissions() throws {
        let out = folder.file("private.html")
        try "old".write(toFile: out, atomically: false, encoding: .utf8)
        #expect(chmod(out, 0o600) == 0)
        let result = try logbook("report", "--db", path, "1", "--out", out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("<html"))
    }

    /// The folder's files other than the database's, sorted.
    private func written() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("test.sqlite") }
            .sorted()
    }

    private func isFIFO(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
    }
}
