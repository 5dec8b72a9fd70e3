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
            let value = String(line[line.index(after: colon)...].trimmingWhitespace())
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
        let path = Array(path.utf8)
        var best: (length: Int, allow: Bool)?
        for rule in rules where Self.matches(rule.pattern, path) {
            let length = rule.pattern.count
            if best == nil || length > best!.length || (length == best!.length && rule.allow) {
                best = (length, rule.allow)
            }
        }
        return best?.allow ?? true
    }

    /// Whether a robots.txt path pattern matches the start of `path` (all of
    /// it with a final `$`), byte by byte as RFC 9309 compares. On a mismatch
    /// only the last `*` is retried one byte further, so a hostile pattern
    /// such as `/*a*a*a*a*b` costs at most pattern × path steps, where a
    /// backtracking regex took minutes for a 60-byte path.
    static func matches(_ pattern: String, _ path: [UInt8]) -> Bool {
        let anchored = pattern.hasSuffix("$")
        // Unanchored, the pattern is a prefix: as if it ended with `*`.
        let pattern = Array(pattern.utf8.dropLast(anchored ? 1 : 0)) + (anchored ? [] : [UInt8(ascii: "*")])
        let star = UInt8(ascii: "*")
        var (p, t) = (0, 0)
        var lastStar: (pattern: Int, path: Int)?
        while t < path.count {
            if p < pattern.count, pattern[p] == star {
                lastStar = (p, t)
                p += 1
            } else if p < pattern.count, pattern[p] == path[t] {
                p += 1
                t += 1
            } else if let retry = lastStar {
                lastStar = (retry.pattern, retry.path + 1)
                (p, t) = (retry.pattern + 1, retry.path + 1)
            } else {
                return false
            }
        }
        return pattern[p...].allSatisfy { $0 == star }
    }
}
