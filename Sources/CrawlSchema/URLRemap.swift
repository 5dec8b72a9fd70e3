import Foundation
import RegexBuilder

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
    /// which holds none, and a pattern may. A replacement naming a group the
    /// regex does not have is refused: the regex crate would put nothing
    /// there, and every URL would be requested at the same wrong address.
    public init(parsing text: String) throws {
        guard let space = text.lastIndex(of: " ") else {
            throw InvalidSetting("a rule is 'REGEX REPLACEMENT', with a space between them")
        }
        let pattern = String(text[..<space]).trimmingCharacters(in: .whitespaces)
        let replacement = String(text[text.index(after: space)...])
        guard !pattern.isEmpty, !replacement.isEmpty else {
            throw InvalidSetting("a rule is 'REGEX REPLACEMENT', both not empty")
        }
        let regex: Regex<AnyRegexOutput>
        do { regex = try Regex(pattern) } catch {
            throw InvalidSetting("\"\(pattern)\" is not a regular expression: \(error)")
        }
        self.init(pattern: pattern, replacement: replacement)
        // Matching "" with the regex made optional gives every group, none taking part.
        let groups = (try? Regex<AnyRegexOutput>(Regex { Optionally { regex } }).wholeMatch(in: "")?.output.count) ?? 1
        for case .group(let name) in pieces {
            if let index = Int(name) {
                guard index >= groups else { continue }
                throw InvalidSetting(
                    "the replacement's $\(name) names group \(index), and \"\(pattern)\" has \(groups - 1)")
            } else if !regex.contains(captureNamed: name) {
                let hint = name.first?.isNumber == true ? " (for a group and then text, write ${1}a)" : ""
                throw InvalidSetting("the replacement's $\(name) names no group of \"\(pattern)\"\(hint)")
            }
        }
    }

    /// A part of a replacement: text as it is, or the group a `$` names.
    public enum Piece: Hashable, Sendable {
        case text(String)
        /// A group by number ("1") or name.
        case group(String)
    }

    /// `replacement` in pieces, read as the regex crate reads it (lychee's
    /// rules are written for it): `$1`, `${1}`, `$name` and `${name}` name
    /// a group and `$$` is "$"; a bare name is as long as it can be, so
    /// `$1a` names a group "1a"; a `$` naming nothing is itself.
    public var pieces: [Piece] {
        var pieces: [Piece] = []
        var text = ""
        var rest = replacement[...]
        while let dollar = rest.firstIndex(of: "$") {
            text += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            let name: Substring
            if rest.first == "{", let close = rest.firstIndex(of: "}"), rest.index(after: rest.startIndex) < close {
                name = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                rest = rest[name.endIndex...]
            }
            if name.isEmpty {
                text += "$"
                if rest.first == "$" { rest = rest.dropFirst() }
            } else {
                if !text.isEmpty { pieces.append(.text(text)) }
                pieces.append(.group(String(name)))
                text = ""
            }
        }
        text += rest
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }
}
