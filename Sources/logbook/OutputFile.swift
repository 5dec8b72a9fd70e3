import ArgumentParser
import Glibc
import LogbookStore

/// Where a command writes a document (`report`/`plot --out`): "-" is standard
/// output, any other path is written without replacing what it should not.
///
/// - A regular file, or a new one, is replaced whole or not at all: the text
///   goes to a temporary file in the same folder, is synced, and is renamed
///   over it. An existing file keeps its permissions.
/// - A symbolic link is followed and its target replaced that way: the link stays.
/// - A device or FIFO (`/dev/null`, a named pipe) is written to directly,
///   never replaced.
/// - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N` (or a
///   link to them) are the descriptor the process inherited: written to as it
///   is, so `>> log` appends. Their links end in names such as `pipe:[N]`,
///   which are no paths, and a file behind them must not be replaced.
/// - A directory, or a path in a missing folder, is refused with the OS's reason.
/// - The databases being read, their `-wal`, `-shm` and `-journal` files, and
///   any other SQLite database are refused: a mistyped `--out` must not
///   replace the runs with a report. So is a file the user cannot write.
struct OutputFile: ExpressibleByArgument, Sendable {
    /// The path as given.
    let path: String
    /// The flag that named it, for messages: `--out`, or `--output` for findings.
    var flag = "--out"

    init(argument: String) { path = argument }

    /// An empty path names no file: a usage error naming the flag.
    func requirePath() throws {
        if path.isEmpty { throw ValidationError("\(flag) needs a path") }
    }

    /// "-", or a name for descriptor 1 such as `/dev/stdout`.
    var isStandardOutput: Bool { path == "-" || (try? followingLinks()) == .descriptor(STDOUT_FILENO) }

    /// Writes `text`; `databases` are the files the text was read from.
    func write(_ text: String, sparing databases: [String]) throws {
        try write(sparing: databases) { try $0.write(text) }
    }

    /// Writes what `body` writes to the stream it is given, in the same ways
    /// and with the same refusals as `write(_:sparing:)`: a document streamed
    /// in flat memory (a million findings) still replaces a file whole or not
    /// at all, since the rename comes after `body` returns.
    func write(sparing databases: [String], _ body: (StandardStream) throws -> Void) throws {
        switch try destination(sparing: databases) {
        case .standardOutput: try body(.output)
        case .descriptor(let descriptor): try body(StandardStream(descriptor: descriptor, name: path))
        case .replacing(let target, let status): try replace(target, replacing: status, body)
        case .inPlace(let target): try writeInPlace(target, body)
        }
    }

    /// Refuses the file now, as `write` would, without writing: for a
    /// command that works for a long time first (a crawl), so a mistyped
    /// `--output` is said before the work rather than after it.
    func check(sparing databases: [String]) throws {
        if case .replacing(let target, nil) = try destination(sparing: databases),
            access(folder(of: target).isEmpty ? "/" : folder(of: target), W_OK) != 0
        {
            throw failure(errno)
        }
    }

    /// How `write` writes: what the path names, every refusal made.
    private enum Plan {
        case standardOutput
        case descriptor(Int32)
        /// A regular file (or none yet: nil), replaced whole.
        case replacing(String, stat?)
        /// A FIFO or a device, written as it is.
        case inPlace(String)
    }

    private func destination(sparing databases: [String]) throws -> Plan {
        if path == "-" { return .standardOutput }
        let spared = try databases.map { try Self(argument: $0).followingLinks() }
        switch try followingLinks() {
        case .descriptor(STDOUT_FILENO):
            return .standardOutput
        case .descriptor(let descriptor):
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
            try refuseDatabase(status, "/proc/self/fd/\(descriptor)", spared)
            return .descriptor(descriptor)
        case .path(let target):
            var status = stat()
            guard stat(target, &status) == 0 else {
                guard errno == ENOENT else { throw failure(errno) }
                try refuseDatabaseFile(named: target, spared)
                return .replacing(target, nil)
            }
            try refuseDatabase(status, target, spared)
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                try refuseReadOnly(target, status)
                return .replacing(target, status)
            case S_IFDIR: throw failure(EISDIR)
            default: return .inPlace(target)
            }
        }
    }

    /// Where a chain of links ends: a path (which may not exist yet), or one
    /// of the names of an inherited descriptor.
    private enum Destination: Equatable {
        case path(String)
        case descriptor(Int32)

        /// The descriptor `path` names, if it is one of the names for one.
        init?(descriptorNamedBy path: String) {
            let named = ["/dev/stdout": STDOUT_FILENO, "/dev/stderr": STDERR_FILENO]
            if let descriptor = named[path] { self = .descriptor(descriptor); return }
            for folder in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(folder) {
                guard let descriptor = Int32(path.dropFirst(folder.count)), descriptor >= 0 else { return nil }
                self = .descriptor(descriptor)
                return
            }
            return nil
        }
    }

    /// Follows a chain of symbolic links; a relative link is relative to the
    /// folder holding it.
    private func followingLinks() throws -> Destination {
        var current = path
        for _ in 0..<40 {
            if let descriptor = Destination(descriptorNamedBy: current) { return descriptor }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count >= 0 else {
                // Not a link (EINVAL), or nothing there yet (ENOENT): this is the file.
                if errno == EINVAL || errno == ENOENT { return .path(current) }
                throw failure(errno)
            }
            let destination = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination : folder(of: current) + "/" + destination
        }
        throw failure(ELOOP)
    }

    /// Refuses a file that is one of `databases` (or their `-wal`/`-shm`,
    /// which hold committed runs too), or any other SQLite database.
    private func refuseDatabase(_ status: stat, _ readable: String, _ databases: [Destination]) throws {
        for case .path(let database) in databases {
            for file in Self.databaseFiles(database) {
                var other = stat()
                if stat(file, &other) == 0, other.st_dev == status.st_dev, other.st_ino == status.st_ino {
                    let what =
                        file == database ? "the database being read" : "a file of the database being read, \(database)"
                    throw UsageError("\(flag) \(path) is \(file), \(what); refusing to replace it with a report")
                }
            }
        }
        guard status.st_mode & S_IFMT == S_IFREG else { return }
        let descriptor = open(readable, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        if pread(descriptor, &header, header.count, 0) == header.count, header == Array("SQLite format 3\0".utf8) {
            throw UsageError("\(path) is an SQLite database; refusing to replace it with a report")
        }
    }

    /// Refuses a new file that would be a database's `-wal`, `-shm` or
    /// `-journal`: SQLite would take it for one.
    private func refuseDatabaseFile(named target: String, _ databases: [Destination]) throws {
        for case .path(let database) in databases
        where Self.databaseFiles(database).contains(where: {
            sameFile(folder(of: $0), folder(of: target)) && name(of: $0) == name(of: target)
        }) {
            throw UsageError(
                "\(flag) \(path) is a file of \(database), the database being read; refusing to write a report there")
        }
    }

    private static func databaseFiles(_ database: String) -> [String] {
        [database] + ["-wal", "-shm", "-journal"].map { database + $0 }
    }

    private func sameFile(_ one: String, _ other: String) -> Bool {
        var first = stat(), second = stat()
        return stat(one.isEmpty ? "/" : one, &first) == 0 && stat(other.isEmpty ? "/" : other, &second) == 0
            && first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// Replacing a file the user cannot write would go round its permissions
    /// (the folder's are what rename checks); root is held to the write bits.
    private func refuseReadOnly(_ target: String, _ status: stat) throws {
        let writable = geteuid() == 0 ? status.st_mode & 0o222 != 0 : access(target, W_OK) == 0
        if !writable { throw OutputRefusal(description: "\(path) is read-only") }
    }

    /// Writes a temporary file beside `target` (what `body` writes) and renames it over `target`.
    /// `replaced` is the existing file's status: its permissions are kept,
    /// and its owner when root can give it; a new file gets the umask's default.
    private func replace(_ target: String, replacing replaced: stat?, _ body: (StandardStream) throws -> Void) throws {
        let folder = folder(of: target)
        let temporary = "\(folder)/.\(name(of: target)).\(UInt64.random(in: .min ... .max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        // The file is made in the folder: it is the folder that cannot be written.
        guard descriptor >= 0 else {
            throw OutputError(target: "\(folder.isEmpty ? "/" : folder) (the folder of \(path))", code: errno)
        }
        do {
            defer { close(descriptor) }
            if let replaced {
                if geteuid() == 0, fchown(descriptor, replaced.st_uid, replaced.st_gid) != 0 { throw failure(errno) }
                if fchmod(descriptor, replaced.st_mode & 0o7777) != 0 { throw failure(errno) }
            }
            try body(StandardStream(descriptor: descriptor, name: path))
            if fsync(descriptor) != 0 { throw failure(errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(code)
        }
    }

    /// Opens a device or FIFO and writes to it; opening a FIFO waits for a reader.
    private func writeInPlace(_ target: String, _ body: (StandardStream) throws -> Void) throws {
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        try body(StandardStream(descriptor: descriptor, name: path))
    }

    private func failure(_ code: Int32) -> OutputError { OutputError(target: path, code: code) }

    private func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "" : String(path[..<slash])
    }

    private func name(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}

/// An `--out` refused for what the file is, not for a failed call: exit 3.
struct OutputRefusal: LogbookError {
    let description: String
    var category: ErrorCategory { .failure }
}
