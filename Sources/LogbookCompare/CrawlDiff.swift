import LogbookStore

/// What changed between two crawls, URL by URL (URLs are stored normalised,
/// so the same link reads the same in both).
public struct CrawlDiff: Sendable, Encodable {
    /// One URL's outcome in one run.
    public struct Outcome: Hashable, Sendable, Encodable {
        public let outcome: String
        public let status: Int?
        public let error: String?

        public var isDead: Bool { outcome == "dead" || outcome == "error" }
    }

    /// A link dead in B and not in A, with the pages of B that link to it.
    public struct NewlyDead: Hashable, Sendable, Encodable {
        public let url: String
        public let before: Outcome?
        public let after: Outcome
        public let foundOn: [String]
    }

    /// A URL whose outcome, status or error changed.
    public struct Change: Hashable, Sendable, Encodable {
        public let url: String
        /// nil in `fixed` when B no longer links to the URL at all.
        public let before: Outcome?
        public let after: Outcome?
    }

    /// A `#fragment` link to a page of the site that has no such id.
    public struct BrokenFragment: Hashable, Sendable, Encodable {
        public let url: String
        public let fragment: String
        public let foundOn: String
    }

    /// The counts of one run, from `crawl_summary`.
    public struct Counts: Hashable, Sendable, Encodable {
        public let urls: Int, pages: Int, ok: Int, dead: Int, notChecked: Int, queued: Int
    }

    public let a: Int64
    public let b: Int64
    public let aStatus: String
    public let bStatus: String
    public let settings: [SettingChange]
    public let countsA: Counts
    public let countsB: Counts
    public let newlyDead: [NewlyDead]
    public let fixed: [Change]
    public let changed: [Change]
    public let pagesAdded: [String]
    public let pagesRemoved: [String]
    /// Fragment links broken in B and not in A; nil unless both runs were
    /// made with --check-fragments (without it no page's ids are recorded).
    public let newlyBrokenFragments: [BrokenFragment]?

    /// B broke something A did not: CI should fail.
    public var regressed: Bool { !newlyDead.isEmpty || newlyBrokenFragments?.isEmpty == false }

    /// "2 newly dead links, 1 newly broken fragment".
    public var regressions: String {
        var parts = ["\(newlyDead.count) newly dead link\(newlyDead.count == 1 ? "" : "s")"]
        if let broken = newlyBrokenFragments?.count, broken > 0 {
            parts.append("\(broken) newly broken fragment\(broken == 1 ? "" : "s")")
        }
        return parts.joined(separator: ", ")
    }

    /// Compares crawl `a` with crawl `b`, each read in one snapshot.
    public init(_ a: RunReader, _ b: RunReader) throws {
        try a.require(.crawl)
        try b.require(.crawl)
        let fragments = a.checksFragments && b.checksFragments
        let (before, countsA, fragmentsA) = try a.snapshot {
            (try a.outcomes(), try a.counts(), fragments ? try a.brokenFragments() : [])
        }
        let (after, countsB, referrers, fragmentsB) = try b.snapshot {
            (try b.outcomes(), try b.counts(), try b.deadReferrers(), fragments ? try b.brokenFragments() : [])
        }
        newlyBrokenFragments = fragments ? fragmentsB.subtracting(fragmentsA).sorted {
            ($0.url, $0.fragment, $0.foundOn) < ($1.url, $1.fragment, $1.foundOn)
        } : nil
        self.a = a.run.id
        self.b = b.run.id
        aStatus = a.run.status.rawValue
        bStatus = b.run.status.rawValue
        settings = settingChanges(a.run, b.run)
        self.countsA = countsA
        self.countsB = countsB

        var newlyDead: [NewlyDead] = [], fixed: [Change] = [], changed: [Change] = []
        for (url, entry) in after.sorted(by: { $0.key < $1.key }) {
            guard let now = entry.outcome else { continue }
            let then = before[url]?.outcome
            if now.isDead, then?.isDead != true {
                newlyDead.append(NewlyDead(url: url, before: then, after: now, foundOn: referrers[url] ?? []))
            } else if let then, then.isDead, !now.isDead {
                fixed.append(Change(url: url, before: then, after: now))
            } else if let then, then != now {
                changed.append(Change(url: url, before: then, after: now))
            }
        }
        for (url, entry) in before.sorted(by: { $0.key < $1.key }) where after[url] == nil {
            if let then = entry.outcome, then.isDead { fixed.append(Change(url: url, before: then, after: nil)) }
        }
        self.newlyDead = newlyDead
        self.fixed = fixed
        self.changed = changed
        pagesAdded = after.filter { $0.value.isPage && before[$0.key] == nil }.keys.sorted()
        pagesRemoved = before.filter { $0.value.isPage && after[$0.key] == nil }.keys.sorted()
    }
}

/// A URL of a crawl: a page of the site or a checked link, with its outcome
/// once fetched.
struct CrawledURL {
    let isPage: Bool
    let outcome: CrawlDiff.Outcome?
}

extension RunReader {
    func outcomes() throws -> [String: CrawledURL] {
        let select = try connection.prepare("""
            SELECT u.url, u.internal, f.outcome, f.status, f.error
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ?
            """)
        try select.bind(run.id, at: 1)
        var urls: [String: CrawledURL] = [:]
        while try select.step() {
            let outcome = select.text(2).map {
                CrawlDiff.Outcome(outcome: $0, status: select.optionalInt(3), error: select.text(4))
            }
            urls[select.text(0) ?? ""] = CrawledURL(isPage: select.int64(1) != 0, outcome: outcome)
        }
        return urls
    }

    func counts() throws -> CrawlDiff.Counts {
        let select = try connection.prepare("""
            SELECT urls, pages, ok, dead, not_checked, queued FROM crawl_summary WHERE run_id = ?
            """)
        try select.bind(run.id, at: 1)
        guard try select.step() else { return CrawlDiff.Counts(urls: 0, pages: 0, ok: 0, dead: 0, notChecked: 0, queued: 0) }
        let value = { Int(select.int64($0)) }
        return CrawlDiff.Counts(urls: value(0), pages: value(1), ok: value(2), dead: value(3), notChecked: value(4),
                                queued: value(5))
    }

    /// Whether the run recorded page ids (`--check-fragments`).
    var checksFragments: Bool {
        run.flatSettings.contains { $0.path == "checkFragments" && $0.value == "true" }
    }

    func brokenFragments() throws -> Set<CrawlDiff.BrokenFragment> {
        let select = try connection.prepare("SELECT url, fragment, found_on FROM broken_fragments WHERE run_id = ?")
        try select.bind(run.id, at: 1)
        var broken: Set<CrawlDiff.BrokenFragment> = []
        while try select.step() {
            broken.insert(CrawlDiff.BrokenFragment(url: select.text(0) ?? "", fragment: select.text(1) ?? "",
                                                   foundOn: select.text(2) ?? ""))
        }
        return broken
    }

    /// Every dead URL's referring pages, in page order.
    func deadReferrers() throws -> [String: [String]] {
        let select = try connection.prepare("""
            SELECT DISTINCT url, found_on FROM dead_links WHERE run_id = ? AND found_on IS NOT NULL ORDER BY url, found_on
            """)
        try select.bind(run.id, at: 1)
        var referrers: [String: [String]] = [:]
        while try select.step() { referrers[select.text(0) ?? "", default: []].append(select.text(1) ?? "") }
        return referrers
    }
}

extension Statement {
    /// An integer column that may be NULL.
    func optionalInt(_ index: Int) -> Int? {
        if case .integer(let value) = value(index) { return Int(value) }
        return nil
    }

    /// A real column that may be NULL.
    func optionalDouble(_ index: Int) -> Double? {
        switch value(index) {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
}
