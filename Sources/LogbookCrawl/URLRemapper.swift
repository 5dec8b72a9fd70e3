import CrawlSchema

/// `--remap`'s rules, compiled once for each worker (as `--include` and
/// `--exclude` are): where the request for a URL goes, and which URL of the
/// site a remapped response stands for, so that a staging copy is crawled
/// as the site itself.
struct URLRemapper {
    private let rules: [(pattern: Regex<AnyRegexOutput>, replacement: String)]

    init(_ rules: [URLRemap]) throws {
        self.rules = try rules.map { (try Regex($0.pattern), $0.replacement) }
    }

    /// Where the request for `url` goes: with every match of the first rule
    /// that matches replaced (as lychee replaces), else `url` itself.
    func request(for url: String) -> String {
        guard let rule = rules.first(where: { url.contains($0.pattern) }) else { return url }
        return url.replacing(rule.pattern) { expand(rule.replacement, $0.output) }
    }

    /// The site's URL for `final`, where the request for `url`, sent to
    /// `request`, ended after redirects: `url` when it did not move, else
    /// `final` with the request's origin given back to `url`'s. A page's
    /// links resolve against it, so they are the site's, not the copy's.
    static func siteURL(of final: String, requested request: String, for url: String) -> String {
        guard request != url else { return final }
        if final == request { return url }
        guard let from = URLResolver.origin(of: request), let to = URLResolver.origin(of: url),
            final.utf8.starts(with: from.utf8)
        else { return final }
        let path = final.utf8.dropFirst(from.utf8.count)
        guard path.isEmpty || path.first == UInt8(ascii: "/") || path.first == UInt8(ascii: "?") else { return final }
        return to + String(Substring(path))
    }
}

/// `replacement` with `$1`, `${1}`, `$name` and `${name}` replaced by what
/// that group captured (nothing, for a group the pattern lacks or that took
/// no part) and `$$` by "$": the regex crate's expansion, which lychee's
/// rules are written for. A bare name is as long as it can be, so `$1a`
/// names a group "1a": write `${1}a`.
private func expand(_ replacement: String, _ groups: AnyRegexOutput) -> String {
    var result = ""
    var rest = replacement[...]
    while let dollar = rest.firstIndex(of: "$") {
        result += rest[..<dollar]
        rest = rest[rest.index(after: dollar)...]
        var name: Substring
        if rest.first == "{", let close = rest.firstIndex(of: "}"), rest.index(after: rest.startIndex) < close {
            name = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else {
            name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            rest = rest[name.endIndex...]
        }
        if name.isEmpty {
            result += "$"
            if rest.first == "$" { rest = rest.dropFirst() }
        } else if let index = Int(name) {
            result += index < groups.count ? groups[index].substring ?? "" : ""
        } else {
            result += groups[String(name)]?.substring ?? ""
        }
    }
    return result + rest
}
