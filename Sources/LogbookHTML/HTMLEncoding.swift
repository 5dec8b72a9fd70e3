internal import CLibXML2

/// The encoding of an HTML page, decided as the WHATWG HTML standard's
/// "encoding sniffing algorithm" decides it for a page read from the
/// network: a byte order mark, then the Content-Type header's charset, then
/// a `<meta charset>` or `<meta http-equiv=content-type>` in the first 1024
/// bytes, then UTF-8 if the bytes are valid UTF-8, else windows-1252.
///
/// libxml2 alone would decode an undeclared UTF-8 page as Latin-1, turning
/// every non-ASCII link into a false dead one.
struct HTMLEncoding: Hashable {
    /// The name libxml2 is given.
    let name: String
    /// Bytes of byte order mark to skip.
    let bomLength: Int

    init(sniffing bytes: [UInt8], contentType: String?) {
        if let (name, length) = Self.byteOrderMark(bytes) {
            self.init(name: name, bomLength: length)
        } else if let label = contentType.flatMap({ Self.charset(inContent: ArraySlice($0.utf8)) }),
            let name = Self.encoding(label: label)
        {
            self.init(name: name, bomLength: 0)
        } else if let name = Self.prescan(bytes.prefix(1024)) {
            self.init(name: name, bomLength: 0)
        } else {
            self.init(name: Self.isValidUTF8(bytes) ? "UTF-8" : "windows-1252", bomLength: 0)
        }
    }

    private init(name: String, bomLength: Int) {
        self.name = name
        self.bomLength = bomLength
    }

    private static func byteOrderMark(_ bytes: [UInt8]) -> (String, Int)? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if bytes.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        if bytes.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        return nil
    }

    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// "Get an encoding": the WHATWG names for the labels that matter most
    /// (every Latin-1 and ASCII label means windows-1252), and any other
    /// label libxml2 can decode as itself; nil for an unknown label.
    static func encoding(label: String) -> String? {
        let label = trimmed(label).lowercased()
        switch label {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8":
            return "UTF-8"
        case "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
            "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
            "x-cp1252":
            return "windows-1252"
        case "utf-16", "utf-16le", "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff":
            return "UTF-16LE"
        case "utf-16be", "unicodefffe":
            return "UTF-16BE"
        case "x-user-defined", "":
            return nil
        default:
            guard let handler = xmlFindCharEncodingHandler(label) else { return nil }
            xmlCharEncCloseFunc(handler)
            return label
        }
    }

    /// "Prescan a byte stream to determine its encoding": the first `<meta>`
    /// that declares one, skipping comments and other tags' attributes.
    /// It runs on every page, so it compares bytes where they lie and makes
    /// Strings only inside a `<meta>`.
    static func prescan(_ bytes: ArraySlice<UInt8>) -> String? {
        var scanner = Scanner(bytes)
        while scanner.position < bytes.endIndex {
            if scanner.starts(with: "<!--") {
                guard scanner.skip(past: "-->", from: scanner.position + 2) else { return nil }
            } else if scanner.starts(with: "<meta", caseInsensitive: true),
                let after = scanner.byte(at: scanner.position + 5), isSpace(after) || after == UInt8(ascii: "/")
            {
                scanner.position += 5
                if let name = scanner.metaEncoding() { return name }
            } else if scanner.starts(with: "<"), let next = scanner.byte(at: scanner.position + 1),
                isLetter(next)
                    || (next == UInt8(ascii: "/") && scanner.byte(at: scanner.position + 2).map(isLetter) == true)
            {
                scanner.position += 1
                while let byte = scanner.byte(at: scanner.position), !isSpace(byte), byte != UInt8(ascii: ">") {
                    scanner.position += 1
                }
                while scanner.attribute() != nil {}
            } else if scanner.starts(with: "<!") || scanner.starts(with: "</") || scanner.starts(with: "<?") {
                guard scanner.skip(past: ">", from: scanner.position) else { return nil }
            }
            scanner.position += 1
        }
        return nil
    }

    /// "Extract a character encoding from a meta element", also used for the
    /// Content-Type header: the value after `charset=` (in any case), unquoted.
    static func charset(inContent content: ArraySlice<UInt8>) -> String? {
        var position = content.startIndex
        while true {
            guard
                let found = content[position...].indices.first(where: {
                    matches("charset", in: content, at: $0, caseInsensitive: true)
                })
            else { return nil }
            position = found + 7
            while position < content.endIndex, isSpace(content[position]) { position += 1 }
            guard position < content.endIndex, content[position] == UInt8(ascii: "=") else { continue }
            position += 1
            while position < content.endIndex, isSpace(content[position]) { position += 1 }
            guard position < content.endIndex else { return nil }
            let quote = content[position]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                guard let end = content[(position + 1)...].firstIndex(of: quote) else { return nil }
                return String(decoding: content[(position + 1)..<end], as: UTF8.self)
            }
            let end = content[position...].firstIndex { isSpace($0) || $0 == UInt8(ascii: ";") } ?? content.endIndex
            return String(decoding: content[position..<end], as: UTF8.self)
        }
    }
}

private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
}
private func isUpper(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) }
private func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || (0x61...0x7A).contains(byte) }
private func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte + 32 : byte }

/// Whether `bytes` hold `pattern` at `index`; with `caseInsensitive`, an
/// upper-case ASCII letter matches its lower-case one in `pattern`.
private func matches(
    _ pattern: StaticString, in bytes: ArraySlice<UInt8>, at index: Int,
    caseInsensitive: Bool = false
) -> Bool {
    pattern.withUTF8Buffer { pattern in
        guard index >= bytes.startIndex, bytes.endIndex - index >= pattern.count else { return false }
        return pattern.indices.allSatisfy { offset in
            let byte = bytes[index + offset]
            return (caseInsensitive ? lower(byte) : byte) == pattern[offset]
        }
    }
}

/// The prescan's position in the first 1024 bytes of a page.
private struct Scanner {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    func byte(at index: Int) -> UInt8? { index < bytes.endIndex ? bytes[index] : nil }

    func starts(with pattern: StaticString, caseInsensitive: Bool = false) -> Bool {
        matches(pattern, in: bytes, at: position, caseInsensitive: caseInsensitive)
    }

    /// Moves to the last byte of the first `pattern` found at or after `start`.
    mutating func skip(past pattern: StaticString, from start: Int) -> Bool {
        guard start <= bytes.endIndex,
            let found = bytes[start...].indices.first(where: { matches(pattern, in: bytes, at: $0) })
        else { return false }
        position = found + pattern.utf8CodeUnitCount - 1
        return true
    }

    /// The encoding a `<meta>` declares, after its name: `charset`, or
    /// `content` with `http-equiv="content-type"`; each name counts once.
    mutating func metaEncoding() -> String? {
        var seen: Set<String> = []
        var gotPragma = false
        var needPragma: Bool?
        var charset: String?
        while let (name, value) = attribute() {
            guard seen.insert(String(decoding: name.map(lower), as: UTF8.self)).inserted else { continue }
            if equalsIgnoringCase(name, "http-equiv") {
                if equalsIgnoringCase(value, "content-type") { gotPragma = true }
            } else if equalsIgnoringCase(name, "content") {
                if charset == nil, let label = HTMLEncoding.charset(inContent: value) {
                    charset = HTMLEncoding.encoding(label: label)
                    needPragma = true
                }
            } else if equalsIgnoringCase(name, "charset") {
                charset = HTMLEncoding.encoding(label: String(decoding: value, as: UTF8.self))
                needPragma = false
            }
        }
        guard let needPragma, !needPragma || gotPragma, let charset else { return nil }
        return charset.hasPrefix("UTF-16") ? "UTF-8" : charset
    }

    private func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ pattern: StaticString) -> Bool {
        bytes.count == pattern.utf8CodeUnitCount
            && matches(pattern, in: bytes, at: bytes.startIndex, caseInsensitive: true)
    }

    /// "Get an attribute": the next name and value, as they lie in the bytes
    /// (the prescan compares them in lower case), or nil at `>` or the end
    /// of the bytes.
    mutating func attribute() -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)? {
        while let byte = byte(at: position), isSpace(byte) || byte == UInt8(ascii: "/") { position += 1 }
        guard let first = byte(at: position), first != UInt8(ascii: ">") else { return nil }
        let nameStart = position
        var name: ArraySlice<UInt8> { bytes[nameStart..<position] }
        // The name, up to `=`, whitespace, `/` or `>`.
        while true {
            guard let byte = byte(at: position) else { return nil }
            if byte == UInt8(ascii: "="), position > nameStart { break }
            if isSpace(byte) {
                let ended = name
                while let next = self.byte(at: position), isSpace(next) { position += 1 }
                guard self.byte(at: position) == UInt8(ascii: "=") else {
                    return self.byte(at: position) == nil ? nil : (ended, [])
                }
                return value(named: ended)
            }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") { return (name, []) }
            position += 1
        }
        return value(named: name)
    }

    /// The value after the `=` at `position`: quoted, or up to whitespace or `>`.
    private mutating func value(named name: ArraySlice<UInt8>) -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)? {
        position += 1  // past "="
        while let byte = byte(at: position), isSpace(byte) { position += 1 }
        guard let start = byte(at: position) else { return nil }
        if start == UInt8(ascii: "\"") || start == UInt8(ascii: "'") {
            position += 1
            let valueStart = position
            while let byte = byte(at: position) {
                position += 1
                if byte == start { return (name, bytes[valueStart..<(position - 1)]) }
            }
            return nil
        }
        if start == UInt8(ascii: ">") { return (name, []) }
        let valueStart = position
        while let byte = byte(at: position) {
            if isSpace(byte) || byte == UInt8(ascii: ">") { return (name, bytes[valueStart..<position]) }
            position += 1
        }
        return nil
    }
}

/// Without leading and trailing ASCII whitespace, as "get an encoding" trims a label.
private func trimmed(_ text: String) -> String {
    let bytes = Array(text.utf8)
    guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(decoding: bytes[first...last], as: UTF8.self)
}
