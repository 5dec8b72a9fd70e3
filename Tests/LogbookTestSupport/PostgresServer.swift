import Foundation
import LogbookStore
import Synchronization

/// A real PostgreSQL 15 for a test: `initdb` into a fresh folder, `pg_ctl`
/// on a loopback port the system picked, trust authentication for the user
/// `logbook`; stopped and removed when the value goes away. PostgreSQL
/// refuses to run as root, so as root it runs as the `postgres` user
/// (`runuser`), which must be able to reach the folder.
///
/// It listens on 127.0.0.1, and on `addresses` too when given (e.g. the
/// root side of a veth link, for processes in network namespaces), taking
/// connections from loopback and from the `clients` networks alone.
public final class PostgresServer: Sendable {
    public let port: Int
    /// The addresses it listens on besides 127.0.0.1.
    public let addresses: [String]
    private let folder: String
    private var data: String { folder + "/data" }
    private let databases = Mutex(0)
    private static let binaries = "/usr/lib/postgresql/15/bin"

    /// - Parameters:
    ///   - addresses: IPv4 addresses of this machine to listen on besides 127.0.0.1.
    ///   - clients: networks (CIDR, e.g. "10.77.3.0/24") whose connections it
    ///     takes besides loopback's, trusted as loopback's are.
    public init(alsoListeningOn addresses: [String] = [], allowing clients: [String] = []) throws {
        self.addresses = addresses
        var template = Array("/tmp/logbook-pg-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw POSIXError(.EIO) }
        folder = String(cString: created)
        chmod(folder, 0o755)
        port = try freeLoopbackPort()
        mkdir(folder + "/data", 0o700)
        if getuid() == 0 { _ = try runProcess("/bin/chown", ["postgres", folder + "/data"]) }
        let initdb = try Self.asServerUser(
            "\(Self.binaries)/initdb", ["-D", folder + "/data", "-A", "trust", "-U", "logbook", "--no-sync"])
        guard initdb.status == 0 else { throw PostgresServerError("initdb: \(initdb.stderr)") }
        try Self.allow(clients, in: folder + "/data/pg_hba.conf")
        try start()
    }

    /// Adds a `host … trust` line to pg_hba.conf for each network that no
    /// line names yet (initdb's own lines name loopback alone).
    private static func allow(_ clients: [String], in configuration: String) throws {
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
        let named = Set(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }.flatMap {
                $0.split(whereSeparator: \.isWhitespace)
            }
        )
        let lines = clients.filter { !named.contains(Substring($0)) }.map { "host all all \($0) trust\n" }
        guard !lines.isEmpty else { return }
        let file = try FileHandle(forWritingTo: URL(filePath: configuration))
        defer { try? file.close() }
        try file.seekToEnd()
        try file.write(contentsOf: Data(lines.joined().utf8))
    }

    deinit {
        try? stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts the server (again, after `stop`) and waits until it accepts connections.
    public func start() throws {
        let listen = (["127.0.0.1"] + addresses).joined(separator: ",")
        let options = "-p \(port) -k \(data) -c listen_addresses=\(listen) -c fsync=off -c max_connections=200"
        try pgctl(["-D", data, "-l", data + "/log", "-w", "-o", options, "start"])
    }

    /// Adds a role that logs in from loopback with `password` alone
    /// (scram-sha-256), not trusted as `logbook` is: for tests of a wrong password.
    public func addRole(_ name: String, password: String) throws {
        try Connection(path: url(), mode: .readWrite).execute(
            "CREATE ROLE \(name) LOGIN PASSWORD '\(password)'")
        let configuration = data + "/pg_hba.conf"
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
        try ("host all \(name) 127.0.0.1/32 scram-sha-256\n" + text).write(
            toFile: configuration, atomically: false, encoding: .utf8)
        try pgctl(["-D", data, "reload"])
    }

    /// Stops the server at once, as a crash would, dropping every connection.
    public func stop() throws {
        try pgctl(["-D", data, "-w", "-m", "immediate", "stop"])
    }

    /// `postgres://logbook@HOST:PORT/database`; `host` is 127.0.0.1 or one of `addresses`.
    public func url(_ database: String = "postgres", host: String = "127.0.0.1") -> String {
        "postgres://logbook@\(host):\(port)/\(database)"
    }

    /// A new, empty database of this server, for one test; its URL by `host`.
    /// `owner` (a role `addRole` made) gets the URL with its name instead of `logbook`'s.
    public func makeDatabase(host: String = "127.0.0.1", owner: String = "logbook") throws -> String {
        let name = "test_\(databases.withLock { $0 += 1; return $0 })"
        try Connection(path: url(), mode: .readWrite).execute("CREATE DATABASE \(name) OWNER \(owner)")
        return url(name, host: host).replacingOccurrences(of: "//logbook@", with: "//\(owner)@")
    }

    /// Runs pg_ctl and waits for it alone. Foundation's `Process` reports a
    /// child's exit only once every process it started has exited too, and
    /// pg_ctl leaves the server running: so it is spawned and waited for here.
    private func pgctl(_ arguments: [String]) throws {
        let status = try Self.spawnAndWait(Self.asServerUserCommand("\(Self.binaries)/pg_ctl", arguments))
        guard status == 0 else {
            let log = (try? String(contentsOfFile: data + "/log", encoding: .utf8)) ?? ""
            throw PostgresServerError("pg_ctl \(arguments.last ?? "") exited with \(status): \(log.suffix(2000))")
        }
    }

    private static func asServerUserCommand(_ tool: String, _ arguments: [String]) -> [String] {
        getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
    }

    private static func asServerUser(_ tool: String, _ arguments: [String]) throws -> ProcessResult {
        let command = asServerUserCommand(tool, arguments)
        return try runProcess(command[0], Array(command.dropFirst()))
    }

    /// Spawns `command` with its standard streams on /dev/null and waits for it.
    private static func spawnAndWait(_ command: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, command[0], &actions, nil, arguments, environ)
        guard code == 0 else {
            throw PostgresServerError("cannot start \(command[0]): \(String(cString: strerror(code)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return status
    }
}

public struct PostgresServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A TCP port on 127.0.0.1 that no one listens on now.
private func freeLoopbackPort() throws -> Int {
    let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(probe) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(probe, $0, length) == 0 && getsockname(probe, $0, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
