/// `--header` and `--user-agent`, checked as they are parsed. libcurl sends
/// a header as it is given: a CR or LF in it would end the line and start
/// headers the user never wrote, and a NUL would cut it short there. A value
/// may come from a repository's `logbook.toml`, so these are refused, not
/// cleaned.
extension FetchLimits {
    /// A `--header`: "Name: value", the name an HTTP token (RFC 9110).
    public static func header(parsing text: String) throws -> String {
        let name = text.prefix { $0 != ":" }
        guard name.endIndex < text.endIndex, !name.isEmpty,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || tokenSymbols.contains($0)) })
        else {
            throw InvalidSetting("a header is 'Name: value', the name letters, digits and any of \(tokenSymbols)")
        }
        return try headerValue(parsing: text)
    }

    /// A header's value (`--user-agent`, or a whole `--header`): one line
    /// with no NUL.
    public static func headerValue(parsing text: String) throws -> String {
        if text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw InvalidSetting("a line break (CR or LF) would end the header and start another")
        }
        if text.unicodeScalars.contains("\0") {
            throw InvalidSetting("a NUL character would cut the header short")
        }
        return text
    }

    /// What a token holds besides letters and digits.
    private static let tokenSymbols = "!#$%&'*+-.^_`|~"
}
