import CrawlSchema

/// `--remap`'s rules, compiled once for each worker (as `--include` and
/// `--exclude` are): where the request for a URL goes, and which URL of the
/// site a remapped response stands for, so that a staging copy is crawled
/// as the site itself.
struct URLRemapper {
    private let rules: [(pattern: Regex<AnyRegexOutput>, pieces: [URLRemap.Piece])]

    init(_ rules: [URLRemap]) throws {
        self.rules = try rules.map { (try Regex($0.pattern), $0.pieces) }
    }

    /// Where the request for `url` goes: with every match of the first rule
    /// that matches replaced (as lychee replaces), else `url` itself. As in
    /// the regex crate, an empty match where the previous match ended is no
    /// match, so `.*` replaces a URL once.
    func request(for url: String) -> String {
        guard let rule = rules.first(where: { url.contains($0.pattern) }) else { return url }
        var result = ""
        var end: String.Index?
        for match in url.matches(of: rule.pattern) where !(match.range.isEmpty && match.range.lowerBound == end) {
            result += url[(end ?? url.startIndex)..<match.range.lowerBound]
            result += expand(rule.pieces, match.output)
            end = match.range.upperBound
        }
        return result + url[(end ?? url.startIndex)...]
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

/// The replacement `pieces` with each group replaced by what it captured
/// (nothing, for a group that took no part, or that the pattern lacks in a
/// rule recorded before such rules were refused).
private func expand(_ pieces: [URLRemap.Piece], _ groups: AnyRegexOutput) -> String {
    pieces.map { piece in
        switch piece {
        case .text(let text): text
        case .group(let name):
            if let index = Int(name) {
                index < groups.count ? groups[index].substring.map(String.init) ?? "" : ""
            } else {
                groups[name]?.substring.map(String.init) ?? ""
            }
        }
    }.joined()
}
