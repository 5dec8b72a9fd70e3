public import Foundation

/// A fresh folder under the system's temporary directory, removed with
/// everything in it when the value goes away. Every test gets its own.
public final class TemporaryDirectory: Sendable {
    public let path: String

    /// A new folder; a test cannot go on without one, so failing to make it stops the run.
    public init() {
        var template = Array((NSTemporaryDirectory() + "/logbook-test-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            fatalError("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
    }

    deinit {
        // Files made immutable by `makeReadOnly` cannot be removed until released.
        _ = try? runProcess("/usr/bin/chattr", ["-R", "-i", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside this folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// The database file a test works on (not created until something opens it).
    public var database: String { file("test.sqlite") }
}

/// Makes `path` unwritable even for root: chmod for other users, the
/// immutable attribute (`chattr +i`) for root, who ignores permissions.
public func makeReadOnly(_ path: String) throws {
    if getuid() == 0 {
        let result = try runProcess("/usr/bin/chattr", ["+i", path])
        guard result.status == 0 else {
            throw POSIXError(.EPERM, userInfo: [NSLocalizedDescriptionKey: "chattr +i \(path): \(result.stderr)"])
        }
    } else {
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
    }
}

/// The bytes of a file, to prove a command left it unchanged.
public func contents(of path: String) throws -> Data {
    try Data(contentsOf: URL(filePath: path))
}

/// Writes `count` random bytes: a file that is not a database.
public func writeRandomBytes(_ count: Int, to path: String) throws {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    try Data(bytes).write(to: URL(filePath: path))
}

/// This process's resident set size in bytes, from /proc/self/statm.
public func residentMemory() throws -> Int {
    let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}
