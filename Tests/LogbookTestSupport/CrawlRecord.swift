import LogbookStore

/// A crawl as recorded: every URL's outcome, depth and every link, as sets
/// that two runs can be compared by (the first referrer depends on which
/// worker got there first, so it is left out).
public struct CrawlRecord: Equatable, Sendable {
    /// URL → outcome class (and status), e.g. "dead 404".
    public let outcomes: [String: String]
    /// URL → links from the start.
    public let depths: [String: Int]
    /// "from → to element attribute #fragment line", sorted, repeats kept.
    public let links: [String]

    public init(run: Int64, in path: String) throws {
        let database = try Connection(path: path, mode: .readOnly)
        let fetches = try database.prepare(
            """
            SELECT u.url, coalesce(f.outcome, 'unfetched:' || u.state), f.status, u.depth
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ?
            """)
        try fetches.bind(run)
        var outcomes: [String: String] = [:]
        var depths: [String: Int] = [:]
        while try fetches.step() {
            let status = fetches.text(2).map { " \($0)" } ?? ""
            outcomes[fetches.text(0) ?? ""] = (fetches.text(1) ?? "") + status
            depths[fetches.text(0) ?? ""] = Int(fetches.int64(3))
        }
        let links = try database.prepare(
            """
            SELECT f.url || ' → ' || t.url || ' ' || l.element || ' ' || l.attribute || ' #' || coalesce(l.fragment, '')
                   || ' ' || coalesce(CAST(l.line AS TEXT), '')
            FROM links AS l JOIN urls AS f ON f.id = l.from_url_id JOIN urls AS t ON t.id = l.to_url_id
            WHERE l.run_id = ? ORDER BY 1
            """)
        try links.bind(run)
        var all: [String] = []
        while try links.step() { all.append(links.text(0) ?? "") }
        self.outcomes = outcomes
        self.depths = depths
        self.links = all
    }

    /// The URLs whose outcome starts with `outcome` ("ok", "dead", …).
    public func urls(_ outcome: String) -> Set<String> {
        Set(outcomes.filter { $0.value == outcome || $0.value.hasPrefix(outcome + " ") }.keys)
    }
}
