import ArgumentParser
import Glibc

/// Where a command writes a document (`report`/`plot --out`): "-" is standard
/// output, any other path is written without replacing what it should not.
///
/// - A regular file, or a new one, is replaced whole or not at all: the text
///   goes to a temporary file in the same folder, is synced, and is renamed
///   over it. An existing file keeps its permissions.
/// - A symbolic link is followed and its target replaced that way: the link stays.
/// - A device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written to
///   directly, never replaced.
/// - A directory, or a path in a missing folder, is refused with the OS's reason.
struct OutputFile: ExpressibleByArgument, Sendable {
    /// The path as given.
    let path: String

    init(argument: String) { path = argument }

    var isStandardOutput: Bool { path == "-" }

    func write(_ text: String) throws {
        if isStandardOutput { return try StandardStream.output.write(text) }
        let target = try followingLinks()
        var status = stat()
        guard stat(target, &status) == 0 else {
            guard errno == ENOENT else { throw failure(errno) }
            return try replace(target, with: text, mode: nil)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: try replace(target, with: text, mode: status.st_mode & 0o7777)
        case S_IFDIR: throw failure(EISDIR)
        default: try writeInPlace(target, text)
        }
    }

    /// The path a chain of symbolic links ends at (which may not exist yet);
    /// a relative link is relative to the folder holding it.
    private func followingLinks() throws -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count >= 0 else {
                // Not a link (EINVAL), or nothing there yet (ENOENT): this is the file.
                if errno == EINVAL || errno == ENOENT { return current }
                throw failure(errno)
            }
            let destination = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination : folder(of: current) + "/" + destination
        }
        throw failure(ELOOP)
    }

    /// Writes a temporary file beside `target` and renames it over `target`.
    /// `mode` is the replaced file's; a new file gets the umask's default.
    private func replace(_ target: String, with text: String, mode: mode_t?) throws {
        let temporary = "\(folder(of: target))/.\(name(of: target)).\(UInt64.random(in: .min ... .max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure(errno) }
        do {
            defer { close(descriptor) }
            if let mode, fchmod(descriptor, mode) != 0 { throw failure(errno) }
            try writeAll(text, to: descriptor, naming: path)
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
    private func writeInPlace(_ target: String, _ text: String) throws {
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        try writeAll(text, to: descriptor, naming: path)
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
