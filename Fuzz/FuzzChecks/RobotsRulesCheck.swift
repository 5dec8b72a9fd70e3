import LogbookCrawl

/// Any robots.txt parses and answers for any path (a hang is a failure too:
/// the file comes from the site being crawled); one without a Disallow line
/// allows everything.
enum RobotsRulesCheck {
    static func check(_ input: [UInt8]) throws {
        let split = input.firstIndex(of: 0) ?? input.endIndex
        let text = String(decoding: input[..<split], as: UTF8.self)
        let paths =
            ["/", "/index.html"]
            + String(decoding: input[split...].dropFirst(), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rules = RobotsRules(text, agent: "logbook/0.1 (link checker)")
        let disallows = text.lowercased().contains("disallow")
        for path in paths where !rules.allows(path) && !disallows {
            throw PropertyViolation(
                target: .robotsRules, message: "\(path.debugDescription) refused without a Disallow rule")
        }
    }
}
