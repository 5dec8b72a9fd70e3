import Glibc
import LogbookStore

/// Standard output or standard error. Everything the CLI prints goes through
/// `write`, which calls write(2) itself and throws when it fails (a full disk,
/// a closed descriptor), where `FileHandle.write` traps and `print` loses the
/// error. A closed pipe still ends the process with SIGPIPE, as for any tool.
struct StandardStream: Sendable {
    let descriptor: Int32
    /// How messages name it: "standard output".
    let name: String

    static let output = StandardStream(descriptor: STDOUT_FILENO, name: "standard output")
    static let error = StandardStream(descriptor: STDERR_FILENO, name: "standard error")

    func write(_ text: String) throws {
        try writeAll(text, to: descriptor, naming: name)
    }

    /// For standard error's messages and progress lines: a failure to show
    /// them must not stop the work, and there is nowhere left to report it.
    func writeIgnoringFailure(_ text: String) {
        _ = try? write(text)
    }

    /// Puts /dev/null, opened read-only, on standard input, output or error
    /// when the process was started with it closed: otherwise the next file
    /// opened (the database) would take its number and printing would write
    /// into it. Writing to the stand-in fails, so a closed standard output is
    /// still reported.
    static func fillClosedDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            // open returns the lowest free number: this one, as those below are taken.
            _ = open("/dev/null", O_RDONLY)
        }
    }

    /// Sends standard output and error to /dev/null: what is printed after is dropped.
    static func silence() {
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, STDOUT_FILENO)
        dup2(null, STDERR_FILENO)
        close(null)
    }
}

/// Text on its way to a stream, written in chunks of about 64 KiB: one
/// write(2) per chunk rather than per line, in memory that does not grow
/// with the output. What is still held is written by `flush`.
final class BufferedOutput {
    private let stream: StandardStream
    private var pending = ""

    init(_ stream: StandardStream) {
        self.stream = stream
    }

    func write(_ text: String) throws {
        pending += text
        if pending.utf8.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        try stream.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}

/// A write that failed, to standard output or error or to an output file: a
/// runtime failure (exit 3) naming what could not be written and why.
struct OutputError: LogbookError {
    /// What could not be written: a path as given, or "standard output".
    let target: String
    /// The errno of the call that failed.
    let code: Int32

    var description: String { "cannot write \(target): \(String(cString: strerror(code)))" }
    var category: ErrorCategory { .failure }
}

/// Writes all of `text` to `descriptor`, going on after partial writes and
/// retrying calls a signal interrupted; `target` names it in the error.
/// A write a signal cut short while a stop is requested (Ctrl-C while the
/// reader of a pipe has stalled) gives up with EINTR instead of waiting on.
func writeAll(_ text: String, to descriptor: Int32, naming target: String) throws {
    var text = text
    let code: Int32? = text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let wanted = bytes.count - offset
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, wanted)
            if written < 0, errno != EINTR { return errno }
            if written < wanted, StopSignal.requested() { return EINTR }
            offset += max(written, 0)
        }
        return nil
    }
    if let code { throw OutputError(target: target, code: code) }
}
