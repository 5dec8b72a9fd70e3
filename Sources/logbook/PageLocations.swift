import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore

/// Where a CI report (github annotations, SARIF, JUnit) locates a finding:
/// the referring page's URL; for a crawl of a build folder, the page's file,
/// relative to the current folder when it lies in it. A CI job runs at its
/// repository's root, so that is the repository path GitHub attaches
/// annotations and code-scanning alerts to.
struct PageLocations {
    private let folder: SiteFolder?
    private let here = FileManager.default.currentDirectoryPath + "/"

    /// For run `runID` of `database`; a run whose settings cannot be read is
    /// located by URL, as every crawl of a server is.
    init(run runID: Int64, in database: Connection) {
        let config = try? database.runs(id: runID).first?.crawlConfig()
        folder = config.flatMap { config in config.folder.map { SiteFolder($0, base: config.start) } }
    }

    func locate(_ page: String) -> PageLocation {
        guard let file = folder?.file(for: page) else { return .url(page) }
        return .file(file.hasPrefix(here) ? String(file.dropFirst(here.count)) : file)
    }
}

/// Where a finding is: its page's URL, or the page's file.
enum PageLocation {
    case url(String)
    case file(String)

    /// As recorded (JUnit's `file`).
    var text: String {
        switch self {
        case .url(let text), .file(let text): text
        }
    }

    /// github's `file=`: GitHub reads it as a repository path, so a file is
    /// given as it is; a URL as a URI (`uri`).
    var annotationFile: String {
        switch self {
        case .url: uri
        case .file(let path): path
        }
    }

    /// An RFC 3986 URI reference (SARIF's `artifactLocation.uri`). URLs are
    /// recorded as libcurl normalises them, which can keep a space, `"`, `<`,
    /// `>`, `\`, `^`, a backtick, `{`, `|`, `}` and non-ASCII raw: those are
    /// percent-encoded (UTF-8), as is `%` where it starts no escape. A
    /// file's path is one relative reference: all but unreserved characters,
    /// sub-delimiters, `@` and `/` encoded (so `?`, `#`, `%` and `:` are the
    /// name's, not a query, fragment, escape or scheme).
    var uri: String {
        switch self {
        case .url(let url):
            // Brackets are an IPv6 host's: raw in the authority only.
            let authority = url.utf8.firstRange(of: "://".utf8).map { separator in
                let rest = url.utf8[separator.upperBound...]
                return rest.startIndex..<(rest.firstIndex { "/?#".utf8.contains($0) } ?? rest.endIndex)
            }
            return percentEncoded(url) { byte, index in
                switch byte {
                case UInt8(ascii: "%"):
                    url.utf8[url.utf8.index(after: index)...].prefix(2).filter(\.isHexDigit).count == 2
                case UInt8(ascii: "["), UInt8(ascii: "]"): authority?.contains(index) == true
                default: byte.isUnreserved || byte.isSubDelimiter || ":/?#@".utf8.contains(byte)
                }
            }
        case .file(let path):
            return percentEncoded(path) { byte, _ in
                byte.isUnreserved || byte.isSubDelimiter || "/@".utf8.contains(byte)
            }
        }
    }

    /// `text` with each UTF-8 byte that `keeps` refuses as %XX.
    private func percentEncoded(_ text: String, keeping keeps: (UInt8, String.UTF8View.Index) -> Bool) -> String {
        var encoded = ""
        for index in text.utf8.indices {
            let byte = text.utf8[index]
            encoded += keeps(byte, index) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return encoded
    }
}

extension UInt8 {
    fileprivate var isUnreserved: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || "-._~".utf8.contains(self)
    }

    fileprivate var isSubDelimiter: Bool { "!$&'()*+,;=".utf8.contains(self) }

    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
