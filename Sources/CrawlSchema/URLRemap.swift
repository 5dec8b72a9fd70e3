import Foundation

/// A `--remap` rule: a URL that `pattern` (a regular expression) matches is
/// requested at the URL `replacement` makes of it, `$1` or `$name` standing
/// for what a group captured, as lychee's rules are written
/// (`https://example\.org/(.*) http://127.0.0.1:8080/$1`). The URL is still
/// recorded as found, so a staging site is checked as the site it will be.
public struct URLRemap: Hashable, Sendable, Codable {
    public var pattern: String
    public var replacement: String

    public init(pattern: String, replacement: String) {
        self.pattern = pattern
        self.replacement = replacement
    }

    /// `REGEX REPLACEMENT`, split at the last space: a replacement is a URL,
    /// which holds none, and a pattern may.
    public init(parsing text: String) throws {
        guard let space = text.lastIndex(of: " ") else {
            throw InvalidSetting("a rule is 'REGEX REPLACEMENT', with a space between them")
        }
        let pattern = String(text[..<space]).trimmingCharacters(in: .whitespaces)
        let replacement = String(text[text.index(after: space)...])
        guard !pattern.isEmpty, !replacement.isEmpty else {
            throw InvalidSetting("a rule is 'REGEX REPLACEMENT', both not empty")
        }
        do { _ = try Regex(pattern) } catch {
            throw InvalidSetting("\"\(pattern)\" is not a regular expression: \(error)")
        }
        self.init(pattern: pattern, replacement: replacement)
    }
}
