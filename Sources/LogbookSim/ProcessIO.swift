import Glibc

/// The one doorway to the system calls of the process ring: pipes, spawning,
/// whole-buffer reads and writes (retrying on EINTR, turning errno into a
/// `SimulationError`), and a two-way exchange that cannot deadlock.
enum ProcessIO {
    /// A pipe whose ends close on exec (a spawned worker gets only the fds
    /// it is handed explicitly).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw failure("pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Starts `arguments[0]` with `fds[i]` as its file descriptor 3 + i.
    static func spawn(_ arguments: [String], fds: [Int32]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (offset, fd) in fds.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, fd, Int32(3 + offset))
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard code == 0 else {
            throw SimulationError(.worker, "cannot start worker \(arguments[0]): \(String(cString: strerror(code)))")
        }
        return pid
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Writes all of `bytes`.
    static func write(_ fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write")
            }
            done += n
        }
    }

    /// Reads exactly `count` bytes; throws at end of file.
    static func read(_ fd: Int32, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes[done...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read")
            }
            if n == 0 { throw SimulationError(.worker, "the other end of the pipe closed") }
            done += n
        }
        return bytes
    }

    /// Sends `outgoing` on `sendFD` while receiving `incomingCount` bytes on
    /// `receiveFD`, whichever is ready first, so that a ring of processes
    /// all sending at once never waits in a circle, whatever the sizes.
    static func exchange(
        send outgoing: [UInt8], on sendFD: Int32,
        receive incomingCount: Int, on receiveFD: Int32
    ) throws -> [UInt8] {
        var incoming = [UInt8](repeating: 0, count: incomingCount)
        var sent = 0, received = 0
        let flags = fcntl(sendFD, F_GETFL)
        _ = fcntl(sendFD, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(sendFD, F_SETFL, flags) }
        while sent < outgoing.count || received < incomingCount {
            var watched: [pollfd] = []
            if sent < outgoing.count { watched.append(pollfd(fd: sendFD, events: Int16(POLLOUT), revents: 0)) }
            if received < incomingCount { watched.append(pollfd(fd: receiveFD, events: Int16(POLLIN), revents: 0)) }
            if poll(&watched, nfds_t(watched.count), -1) < 0 {
                if errno == EINTR { continue }
                throw failure("poll")
            }
            for entry in watched where entry.revents != 0 {
                if entry.fd == sendFD, sent < outgoing.count {
                    let n = outgoing[sent...].withUnsafeBytes { Glibc.write(sendFD, $0.baseAddress, $0.count) }
                    if n < 0, errno != EAGAIN, errno != EINTR { throw failure("write to the ring") }
                    sent += max(n, 0)
                } else if entry.fd == receiveFD {
                    let n = incoming[received...].withUnsafeMutableBytes {
                        Glibc.read(receiveFD, $0.baseAddress, $0.count)
                    }
                    if n == 0 { throw SimulationError(.worker, "the previous worker in the ring closed its pipe") }
                    if n < 0, errno != EINTR { throw failure("read from the ring") }
                    received += max(n, 0)
                }
            }
        }
        return incoming
    }

    /// Waits for a child to end and says how: "exited with status 4", "was killed by signal 9".
    static func wait(_ pid: pid_t) -> String {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return describe(status)
    }

    /// How a child ended, or nil while it runs.
    static func ended(_ pid: pid_t) -> String? {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid ? describe(status) : nil
    }

    private static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        return signal == 0 ? "exited with status \((status >> 8) & 0xFF)" : "was killed by signal \(signal)"
    }

    static func kill(_ pid: pid_t) { _ = Glibc.kill(pid, SIGKILL) }

    /// Writing to a pipe whose reader died must fail with EPIPE, not kill us.
    static func ignoreBrokenPipes() { _ = signal(SIGPIPE, SIG_IGN) }

    private static func failure(_ call: String) -> SimulationError {
        SimulationError(.worker, "\(call) failed: \(String(cString: strerror(errno)))")
    }
}

/// Builds a message of fixed-width values in native byte order: the ring
/// only ever talks to copies of the same binary on the same machine.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ value: Int) { withUnsafeBytes(of: Int64(value)) { bytes.append(contentsOf: $0) } }
    mutating func append(_ value: Double) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    mutating func append(_ values: [Double]) { values.withUnsafeBytes { bytes.append(contentsOf: $0) } }
}

/// Reads back what a `WireWriter` wrote.
struct WireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func int() -> Int {
        defer { offset += 8 }
        return Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int64.self) })
    }

    mutating func double() -> Double {
        defer { offset += 8 }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Double.self) }
    }

    mutating func doubles(_ count: Int) -> [Double] {
        defer { offset += 8 * count }
        return (0..<count).map { i in
            bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 8 * i, as: Double.self) }
        }
    }
}
