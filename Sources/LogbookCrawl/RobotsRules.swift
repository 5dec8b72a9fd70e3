/// The rules of one robots.txt (RFC 9309) for one user agent: the longest
/// matching Allow or Disallow path wins, Allow on a tie; `*` matches any run
/// of characters and a final `$` anchors the end.
package struct RobotsRules: Sendable {
    private var rules: [(allow: Bool, pattern: String)] = []

    /// No robots.txt, or one that could not be read: everything is allowed.
    static let allowAll = RobotsRules()

    private init() {}

    /// The group for `agent` (its product token, case-insensitive), else `*`.
    package init(_ text: String, agent: String) {
        var groups: [(agents: [String], rules: [(Bool, String)])] = []
        var readingAgents = false
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace().lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "user-agent":
                if !readingAgents { groups.append(([], [])) }
                groups[groups.count - 1].agents.append(value.lowercased())
                readingAgents = true
            case "allow", "disallow":
                readingAgents = false
                guard !groups.isEmpty, !value.isEmpty || key == "allow" else { continue }
                groups[groups.count - 1].rules.append((key == "allow", value))
            default:
                continue
            }
        }
        let token = agent.lowercased()
        let chosen = groups.filter { $0.agents.contains { !$0.isEmpty && $0 != "*" && token.hasPrefix($0) } }
        let group = chosen.isEmpty ? groups.filter { $0.agents.contains("*") } : chosen
        rules = group.flatMap(\.rules).map { (allow: $0.0, pattern: $0.1) }
    }

    /// May a crawler fetch `path` (with its query)?
    package func allows(_ path: String) -> Bool {
        var best: (length: Int, allow: Bool)?
        for rule in rules {
            // Compiled here: a Regex is not Sendable, and robots files are short.
            guard let regex = Self.regex(rule.pattern), path.prefixMatch(of: regex) != nil else { continue }
            let length = rule.pattern.count
            if best == nil || length > best!.length || (length == best!.length && rule.allow) {
                best = (length, rule.allow)
            }
        }
        return best?.allow ?? true
    }

    /// A robots.txt path pattern as a regular expression anchored at the start.
    private static func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
        let anchored = pattern.hasSuffix("$")
        let body = anchored ? pattern.dropLast() : Substring(pattern)
        let expression = "^" + body.split(separator: "*", omittingEmptySubsequences: false)
            .map { part in part.unicodeScalars.map { "\\x{\(String($0.value, radix: 16))}" }.joined() }
            .joined(separator: ".*") + (anchored ? "$" : "")
        return try? Regex(expression)
    }
}
