import LogbookStore
import CrawlSchema

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

    /// Compares crawl `a` with crawl `b`, each read in one snapshot. Both
    /// runs' URLs are streamed in the order of their UNIQUE (run_id, url)
    /// index and merged, so memory grows with the differences, not the site.
    public init(_ a: RunReader, _ b: RunReader) throws {
        try RunReader.require(.crawl, a, b)
        self.a = a.run.id
        self.b = b.run.id
        aStatus = a.run.status.rawValue
        bStatus = b.run.status.rawValue
        settings = settingChanges(a.run, b.run)
        let fragments = a.checksFragments && b.checksFragments
        var merged = URLMerge()
        var fragmentsA: Set<BrokenFragment> = [], fragmentsB: Set<BrokenFragment> = []
        (countsA, countsB) = try a.snapshot {
            try b.snapshot {
                try merged.merge(a.urls(), b.urls())
                merged.newlyDead = try merged.newlyDead.map { link in
                    NewlyDead(url: link.url, before: link.before, after: link.after, foundOn: try b.referrers(of: link.url))
                }
                if fragments { (fragmentsA, fragmentsB) = (try a.brokenFragments(), try b.brokenFragments()) }
                return (try a.counts(), try b.counts())
            }
        }
        newlyDead = merged.newlyDead
        fixed = merged.fixed
        changed = merged.changed
        pagesAdded = merged.pagesAdded
        pagesRemoved = merged.pagesRemoved
        newlyBrokenFragments = fragments ? fragmentsB.subtracting(fragmentsA).sorted {
            ($0.url, $0.fragment, $0.foundOn) < ($1.url, $1.fragment, $1.foundOn)
        } : nil
    }
}

/// The merge of two runs' URLs in byte order, sorting each into what changed.
private struct URLMerge {
    var newlyDead: [CrawlDiff.NewlyDead] = []
    var fixed: [CrawlDiff.Change] = []
    var changed: [CrawlDiff.Change] = []
    var pagesAdded: [String] = []
    var pagesRemoved: [String] = []

    mutating func merge(_ left: URLStream, _ right: URLStream) throws {
        var left = left, right = right
        var l = try left.next(), r = try right.next()
        while l != nil || r != nil {
            if let x = l, r.map({ x.url.utf8.lexicographicallyPrecedes($0.url.utf8) }) ?? true {
                if x.isPage { pagesRemoved.append(x.url) }
                if let then = x.outcome, then.isDead { fixed.append(.init(url: x.url, before: then, after: nil)) }
                l = try left.next()
            } else if let y = r, l.map({ y.url.utf8.lexicographicallyPrecedes($0.url.utf8) }) ?? true {
                if y.isPage { pagesAdded.append(y.url) }
                if let now = y.outcome, now.isDead { newlyDead.append(.init(url: y.url, before: nil, after: now, foundOn: [])) }
                r = try right.next()
            } else if let x = l, let y = r {
                compare(x.url, x.outcome, y.outcome)
                l = try left.next()
                r = try right.next()
            }
        }
    }

    private mutating func compare(_ url: String, _ then: CrawlDiff.Outcome?, _ now: CrawlDiff.Outcome?) {
        guard let now else { return }  // not fetched yet in B
        if now.isDead, then?.isDead != true {
            newlyDead.append(.init(url: url, before: then, after: now, foundOn: []))
        } else if let then, then.isDead, !now.isDead {
            fixed.append(.init(url: url, before: then, after: now))
        } else if let then, then != now {
            changed.append(.init(url: url, before: then, after: now))
        }
    }
}

/// A URL of a crawl: a page of the site or a checked link, with its outcome
/// once fetched.
struct CrawledURL {
    let url: String
    let isPage: Bool
    let outcome: CrawlDiff.Outcome?
}

/// A run's URLs in byte order (SQLite's BINARY collation, which the UNIQUE
/// (run_id, url) index keeps), read one at a time.
struct URLStream {
    let select: Statement

    mutating func next() throws -> CrawledURL? {
        guard try select.step() else { return nil }
        let outcome = select.text(2).map {
            CrawlDiff.Outcome(outcome: $0, status: select.optionalInt64(3).map(Int.init), error: select.text(4))
        }
        return CrawledURL(url: select.text(0) ?? "", isPage: select.int64(1) != 0, outcome: outcome)
    }
}

extension RunReader {
    func urls() throws -> URLStream {
        let select = try connection.prepare("""
            SELECT u.url, u.internal, f.outcome, f.status, f.error
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ? ORDER BY u.url
            """)
        try select.bind(run.id, at: 1)
        return URLStream(select: select)
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

    /// The pages linking to `url`, in byte order.
    func referrers(of url: String) throws -> [String] {
        let select = try connection.cached("""
            SELECT DISTINCT p.url FROM urls AS t JOIN links AS l ON l.to_url_id = t.id JOIN urls AS p ON p.id = l.from_url_id
            WHERE t.run_id = ? AND t.url = ? ORDER BY p.url
            """)
        try select.bind(run.id, at: 1)
        try select.bind(url, at: 2)
        var pages: [String] = []
        while try select.step() { pages.append(select.text(0) ?? "") }
        return pages
    }
}
