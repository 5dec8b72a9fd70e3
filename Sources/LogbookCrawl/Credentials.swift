import CrawlSchema
import Foundation

/// A user name and password sent (HTTP Basic) with every request to the
/// start URL's origin, and to no other.
///
/// Never recorded: the start URL is stored without them, and `runs.config`
/// notes only that a crawl had some (`CrawlConfig.usesCredentials`), so
/// `resume` must be given them again.
public struct Credentials: Hashable, Sendable {
    public let user: String
    public let password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// `user:password`, as `LOGBOOK_CREDENTIALS` holds them (no colon: a
    /// user without a password); nil for an empty text.
    public init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        let colon = text.firstIndex(of: ":") ?? text.endIndex
        self.init(
            user: String(text[..<colon]),
            password: colon == text.endIndex ? "" : String(text[text.index(after: colon)...]))
    }
}

extension Credentials {
    /// `url` as a message may show it: without its `user:password@`. A URL
    /// libcurl parses loses exactly that; in one it cannot (a bad port, a
    /// malformed host), where the user info ends is a guess and a password
    /// may hold "/", "?", "#" or a space, so everything from after "//" (or
    /// from the start) to the last "@" is shown as "***".
    static func redacting(_ url: String) -> String {
        let (parsed, credentials) = URLResolver.removingCredentials(from: url)
        if credentials != nil { return parsed }
        guard let at = url.lastIndex(of: "@") else { return url }
        let slashes = url.range(of: "//")?.upperBound
        let start = slashes.map { $0 <= at ? $0 : url.startIndex } ?? url.startIndex
        return String(url[..<start]) + "***" + String(url[at...])
    }
}
