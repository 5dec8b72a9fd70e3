import Foundation

/// The start URLs of a list (`--urls-from`): one a line, blank lines and
/// lines starting with # left out. It is read a chunk at a time and a line
/// is kept only up to `--max-url-length` bytes, and at most
/// `StartURLs.limit` URLs, so neither an endless line (`/dev/zero`) nor
/// endless lines (`yes URL`) can exhaust the memory.
public enum URLList {
    /// A quoted line shows at most this many characters of it.
    static let quotedLength = 100

    /// The URLs `urlsFrom` (a path, or "-" for standard input) lists, in
    /// order, each with its file and line.
    public static func read(_ urlsFrom: String, maxURLLength: Int) throws -> [ListedURL] {
        let name = ListedURL.name(of: urlsFrom)
        let descriptor = urlsFrom == "-" ? STDIN_FILENO : open(urlsFrom, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(name, errno) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw CrawlError(.options, "--urls-from \(name) is a folder")
        }
        var lines = Lines(name: name, maxURLLength: maxURLLength)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = Foundation.read(descriptor, &chunk, chunk.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(name, errno)
            }
            var rest = chunk[..<count]
            while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                try lines.take(rest[..<newline])
                try lines.end()
                rest = rest[(newline + 1)...]
            }
            try lines.take(rest)
        }
        try lines.end()
        return lines.listed
    }

    private static func unreadable(_ name: String, _ code: Int32) -> CrawlError {
        CrawlError(.options, "--urls-from \(name) cannot be read: \(String(cString: strerror(code)))")
    }

    /// The lines read so far, and the one being read.
    private struct Lines {
        let name: String
        let maxURLLength: Int
        private(set) var listed: [ListedURL] = []
        private var number = 1
        /// The line so far, without the blanks it starts with once it is long.
        private var line: [UInt8] = []
        /// The line is a comment: the rest of it is not kept.
        private var comment = false

        init(name: String, maxURLLength: Int) {
            self.name = name
            self.maxURLLength = maxURLLength
        }

        private var source: String { "--urls-from \(name) line \(number)" }

        mutating func take(_ part: ArraySlice<UInt8>) throws {
            guard !comment else { return }
            line += part
            guard line.count > maxURLLength else { return }
            line.removeFirst(line.prefix(while: isBlank).count)
            if line.first == UInt8(ascii: "#") {
                (comment, line) = (true, [])
            } else if line.count > maxURLLength {
                let quoted = StartURLs.escapingControls(
                    String(String(decoding: line.prefix(4 * quotedLength), as: UTF8.self).prefix(quotedLength)))
                throw CrawlError(
                    .options, "\(source): the line is longer than --max-url-length \(maxURLLength): \(quoted)…")
            }
        }

        mutating func end() throws {
            defer { (number, line, comment) = (number + 1, [], false) }
            guard !comment, let first = line.firstIndex(where: { !isBlank($0) }) else { return }
            let last = line.lastIndex { !isBlank($0) } ?? first
            guard line[first] != UInt8(ascii: "#") else { return }
            guard listed.count < StartURLs.limit else {
                throw CrawlError(.options, "\(source): more than \(StartURLs.limit) start URLs")
            }
            listed.append(ListedURL(url: String(decoding: line[first...last], as: UTF8.self), source: source))
        }

        /// Space, tab, CR (of a CRLF), vertical tab, form feed.
        private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    }
}
