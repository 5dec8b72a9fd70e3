/// A page's base URL (its `<base href>` or its own URL), which resolves
/// every link of the page as `URLResolver.resolve` would, more cheaply.
///
/// Most links are plain paths ("/a/b.html", "b.html"). Against a base that
/// is already in the form `URLResolver` gives, libcurl would only join such
/// a path to the base's origin or directory, so they are joined here (the
/// tests and the url-resolver fuzz target check that both ways agree).
/// Anything else goes to libcurl, once per page: an index page may name one
/// document under a thousand #fragments.
public struct BaseURL: Sendable {
    private let url: String
    /// What "" resolves to: the base document itself.
    private let document: ResolvedURL
    /// Where the base's path and its last segment start, when `url` is in
    /// normal form; nil when only libcurl may resolve against it.
    let join: (host: String, path: String.Index, lastSegment: String.Index)?
    private var resolvedByLibcurl: [Reference: ResolvedURL] = [:]

    public init(_ url: String) {
        self.url = url
        document = URLResolver.resolve("", against: url)
        join = Self.joinPoints(of: url, document: document)
    }

    /// `reference` (as written in the page) resolved against this base.
    public mutating func resolve(_ reference: Substring) -> ResolvedURL {
        let trimmed = reference.trimmingWhitespace()
        if trimmed.isEmpty { return document }
        if let join, Self.isPlainPath(trimmed) {
            let kept = url[..<(trimmed.utf8.first == UInt8(ascii: "/") ? join.path : join.lastSegment)]
            if kept.utf8.count + trimmed.utf8.count <= Self.maxJoinedLength {
                var joined = ""
                joined.reserveCapacity(kept.utf8.count + trimmed.utf8.count)
                joined += kept
                joined += trimmed
                return .web(url: joined, host: join.host, fragment: nil)
            }
        }
        if let known = resolvedByLibcurl[Reference(text: reference)] { return known }
        let resolved = URLResolver.resolve(String(reference), against: url)
        resolvedByLibcurl[Reference(text: reference)] = resolved
        return resolved
    }

    /// A reference known by its UTF-8 bytes: as Substrings "é" and "e\u{301}"
    /// are equal, but libcurl makes different URLs of them.
    private struct Reference: Hashable, Sendable {
        let text: Substring

        static func == (a: Self, b: Self) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

        func hash(into hasher: inout Hasher) {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    /// Far below the 8,000,000 bytes over which libcurl refuses a URL:
    /// longer ones are left to libcurl.
    private static let maxJoinedLength = 1 << 20

    /// A base in normal form (`URLResolver` gives it back unchanged, so it
    /// has no fragment, which libcurl would join a relative path to): where
    /// its path starts (after scheme://authority) and where the last
    /// segment of that path starts (before any ?query). Not when the path
    /// holds "//" (libcurl joins "b" to "http://h//" as "http://h/b"), nor
    /// when a "%" ends either part (".../a%/"): `upperCasingPercentEscapes`
    /// would read the joined path's first letters as its hex digits.
    private static func joinPoints(
        of url: String, document: ResolvedURL
    )
        -> (host: String, path: String.Index, lastSegment: String.Index)?
    {
        guard case .web(let normal, let host, nil) = document, normal.utf8.elementsEqual(url.utf8) else { return nil }
        // Plain loops: the generic firstRange(of:) cost more than the rest of the page's joins.
        let bytes = url.utf8
        func isSlash(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "/") }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: "://".utf8),
            let path = bytes[colon...].dropFirst(3).firstIndex(where: { isSlash($0) || $0 == UInt8(ascii: "?") }),
            isSlash(bytes[path])
        else { return nil }
        let end = bytes[path...].firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        guard !zip(bytes[path..<end], bytes[path..<end].dropFirst()).contains(where: { isSlash($0) && isSlash($1) })
        else { return nil }
        let lastSegment = bytes.index(after: bytes[path..<end].lastIndex(of: UInt8(ascii: "/"))!)
        for point in [path, lastSegment] where bytes[..<point].suffix(2).contains(UInt8(ascii: "%")) { return nil }
        return (host, path, lastSegment)
    }

    /// A path of unreserved characters (RFC 3986: letters, digits, "-", ".",
    /// "_", "~") and "/", with no "." or ".." segment and no "//": nothing
    /// libcurl would encode, remove or read as a scheme, host, query or
    /// fragment.
    static func isPlainPath(_ reference: Substring) -> Bool {
        var length = 0  // of the segment read so far
        var dots = 0
        var isDotSegment: Bool { (1...2).contains(length) && dots == length }
        var previous: UInt8?
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "/"):
                guard previous != UInt8(ascii: "/"), !isDotSegment else { return false }
                length = 0
                dots = 0
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                length += 1
            case UInt8(ascii: "."):
                length += 1
                dots += 1
            default:
                return false
            }
            previous = byte
        }
        return !isDotSegment
    }
}
