public import CrawlSchema
import LogbookStore

/// What changed between two crawls, URL by URL (URLs are stored normalised,
/// so the same link reads the same in both).
public struct CrawlDiff: Sendable, Encodable {
    /// One URL's outcome in one run.
    public typealias Outcome = RecordedOutcome

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
    public typealias BrokenFragment = CrawlSchema.BrokenFragment

    /// The counts of one run.
    public typealias Counts = CrawlCounts

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
        let (crawlA, crawlB) = (RecordedCrawl(a.connection, run: a.run.id), RecordedCrawl(b.connection, run: b.run.id))
        var merged = URLMerge()
        var fragmentsA: Set<BrokenFragment> = [], fragmentsB: Set<BrokenFragment> = []
        (countsA, countsB) = try a.snapshot {
            try b.snapshot {
                try merged.merge(crawlA.urls(), crawlB.urls())
                merged.newlyDead = try merged.newlyDead.map { link in
                    NewlyDead(
                        url: link.url, before: link.before, after: link.after,
                        foundOn: try crawlB.referrers(of: link.url))
                }
                if fragments {
                    (fragmentsA, fragmentsB) = (Set(try crawlA.brokenFragments()), Set(try crawlB.brokenFragments()))
                }
                return (try crawlA.counts(), try crawlB.counts())
            }
        }
        newlyDead = merged.newlyDead
        fixed = merged.fixed
        changed = merged.changed
        pagesAdded = merged.pagesAdded
        pagesRemoved = merged.pagesRemoved
        newlyBrokenFragments =
            fragments
            ? fragmentsB.subtracting(fragmentsA).sorted {
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
        var l = try left.next(), r = try right.next()
        while l != nil || r != nil {
            if let x = l, r.map({ x.url.utf8.lexicographicallyPrecedes($0.url.utf8) }) ?? true {
                if x.isPage { pagesRemoved.append(x.url) }
                if let then = x.outcome, then.isDead { fixed.append(.init(url: x.url, before: then, after: nil)) }
                l = try left.next()
            } else if let y = r, l.map({ y.url.utf8.lexicographicallyPrecedes($0.url.utf8) }) ?? true {
                if y.isPage { pagesAdded.append(y.url) }
                if let now = y.outcome, now.isDead {
                    newlyDead.append(.init(url: y.url, before: nil, after: now, foundOn: []))
                }
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
