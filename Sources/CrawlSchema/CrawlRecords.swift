public import LogbookStore

/// A URL a worker claimed from the frontier.
public struct ClaimedURL: Hashable, Sendable, RowDecodable {
    public let id: Int64
    public let url: String
    public let depth: Int
    /// Of the site: fetched and parsed. Otherwise only checked.
    public let sameSite: Bool

    public init(row: Row) throws {
        id = try row["id"]
        url = try row["url"]
        depth = try row["depth"]
        sameSite = try row["internal"]
    }
}

/// A link found on a page, resolved and classified by the worker.
public struct FoundLink: Sendable {
    public enum Target: Sendable {
        /// To be fetched (same site) or checked.
        case queue(url: String, host: String, sameSite: Bool)
        /// Recorded with this outcome, never fetched. Rare, and an outcome
        /// is large (112 bytes): boxed, a link takes 96 bytes, not 208.
        indirect case settled(url: String, host: String, Outcome)
    }

    public let target: Target
    public let element: String
    public let attribute: String
    public let fragment: String?
    public let line: Int

    public init(target: Target, element: String, attribute: String, fragment: String?, line: Int) {
        self.target = target
        self.element = element
        self.attribute = attribute
        self.fragment = fragment
        self.line = line
    }
}

/// Puts start URLs in the frontier at depth 0, in order; a URL the run has
/// already is left as it is. Those beyond `--max-pages` or `--max-urls` are
/// recorded as excluded, as `PageDone` records the pages it finds beyond them.
public struct SeedCrawl: Record {
    /// A normalised start URL and its host.
    public struct Seed: Hashable, Sendable {
        public let url: String
        public let host: String

        public init(url: String, host: String) {
            self.url = url
            self.host = host
        }
    }

    public let runID: Int64
    public let seeds: [Seed]
    public let maxPages: Int?
    public let maxURLs: Int?

    public init(runID: Int64, url: String, host: String) {
        self.init(runID: runID, seeds: [Seed(url: url, host: host)])
    }

    public init(runID: Int64, seeds: [Seed], maxPages: Int? = nil, maxURLs: Int? = nil) {
        self.runID = runID
        self.seeds = seeds
        self.maxPages = maxPages
        self.maxURLs = maxURLs
    }

    public func write(to database: Connection) throws {
        if maxPages != nil || maxURLs != nil { try countersTakeTurns(runID, on: database) }
        let insert = try database.cached(
            """
            INSERT INTO urls (run_id, url, host, depth, internal, state) VALUES (?, ?, ?, 0, ?, ?)
            ON CONFLICT DO NOTHING RETURNING id
            """)
        var pages = try maxPages == nil ? 0 : pageCount(ofRun: runID, on: database)
        let requested = try maxURLs == nil ? nil : RequestedURLs.of(run: runID, on: database)
        for seed in seeds {
            let limit =
                maxPages.flatMap { pages >= $0 ? beyond("--max-pages", $0) : nil }
                ?? urlLimitReached(maxURLs, requested)
            try insert.bind(runID, seed.url, seed.host, limit == nil, limit == nil ? "queued" : "done")
            guard let id = try insert.scalar(Int64.self) else { continue }
            if let limit {
                try Outcome(outcome: .excluded, error: limit).write(urlID: id, runID: runID, to: database)
            } else {
                pages += 1
                requested?.add(settled: nil)
            }
        }
    }
}

/// Starts a crawl: the run's row and its start URLs in one transaction, so a
/// recorded run always has them all (however many a sitemap or a list
/// gave), and `resume` never needs to read them again.
public struct StartCrawl: Request {
    public let run: StartRun
    public let seeds: [SeedCrawl.Seed]
    public let maxPages: Int?
    public let maxURLs: Int?

    public init(settings: CrawlConfig, seeds: [SeedCrawl.Seed]) throws {
        run = try StartRun(kind: .crawl, settings: settings)
        self.seeds = seeds
        maxPages = settings.maxPages
        maxURLs = settings.maxURLs
    }

    public func answer(from database: Connection) throws -> Int64 {
        let runID = try run.answer(from: database)
        try SeedCrawl(runID: runID, seeds: seeds, maxPages: maxPages, maxURLs: maxURLs).write(to: database)
        return runID
    }
}

/// Puts URLs a killed run left `fetching` back in the queue.
public struct RequeueFetching: Record {
    public let runID: Int64

    public init(runID: Int64) {
        self.runID = runID
    }

    public func write(to database: Connection) throws {
        let update = try database.cached("UPDATE urls SET state = 'queued' WHERE run_id = ? AND state = 'fetching'")
        try update.bind(runID)
        try update.run()
    }
}

/// Takes up to `limit` queued URLs, oldest first, and marks them fetching.
/// A `member` of a crawl shared through PostgreSQL claims them with a
/// lease, skipping rows other processes are claiming at the same moment,
/// and takes URLs whose lease ended (their holder died) as if queued.
public struct ClaimURLs: Request {
    public let runID: Int64
    public let limit: Int
    public let member: CrawlMember?

    public init(runID: Int64, limit: Int, member: CrawlMember? = nil) {
        self.runID = runID
        self.limit = limit
        self.member = member
    }

    public func answer(from database: Connection) throws -> Claim {
        guard let member else {
            let claim = try database.cached(
                """
                UPDATE urls SET state = 'fetching'
                WHERE id IN (SELECT id FROM urls WHERE run_id = ?1 AND state = 'queued' ORDER BY id LIMIT ?2)
                RETURNING id, url, depth, internal
                """)
            return Claim(
                urls: try claim.bound(runID, limit).all(ClaimedURL.self).sorted { $0.id < $1.id }, othersBusy: false)
        }
        // `id = ANY (ARRAY(…))`: planned well even as a generic plan (Migrations/postgres/0006).
        let claim = try database.cached(
            """
            UPDATE urls SET state = 'fetching', claimed_by = ?2, lease_until = now() + ?3 * interval '1 millisecond'
            WHERE id = ANY (ARRAY(
                SELECT id FROM urls
                WHERE run_id = ?1 AND (state = 'queued' OR (state = 'fetching' AND lease_until < now()))
                ORDER BY id LIMIT ?4 FOR UPDATE SKIP LOCKED))
            RETURNING id, url, depth, internal
            """)
        let urls = try claim.bound(runID, member.name, member.leaseMilliseconds, limit).all(ClaimedURL.self)
        guard urls.isEmpty else { return Claim(urls: urls.sorted { $0.id < $1.id }, othersBusy: true) }
        let busy = try database.cached(
            """
            SELECT count(*) FROM urls
            WHERE run_id = ? AND state = 'fetching' AND claimed_by IS DISTINCT FROM ?
            """)
        return Claim(urls: [], othersBusy: try busy.bound(runID, member.name).scalar(Int.self) ?? 0 > 0)
    }
}

/// A URL's outcome, every link on it, and the URLs they discover: one
/// record, so one transaction. The writer's INSERT … ON CONFLICT DO NOTHING on
/// UNIQUE (run_id, url) is the crawl's `seen` set.
///
/// A URL's depth is its shortest link distance from the start, whichever
/// worker got there first: a link to a known URL from a page closer to the
/// start lowers its depth, and what it links to in turn (`lower`); a page
/// that `--max-depth` excluded is queued once it is close enough.
public struct PageDone: Record {
    public let runID: Int64
    public let page: ClaimedURL
    public let outcome: Outcome
    public let links: [FoundLink]
    /// The page's ids and a[name]s, when fragments are checked.
    public let anchors: Set<String>
    /// New pages of the site beyond these are recorded as excluded.
    public let maxDepth: Int?
    public let maxPages: Int?
    /// New URLs beyond this many fetched or checked are recorded as excluded.
    public let maxURLs: Int?
    /// The member of a shared crawl that claimed the page: it records the
    /// page only while it still holds the claim (see `write`).
    public let member: CrawlMember?

    public init(
        runID: Int64, page: ClaimedURL, outcome: Outcome, links: [FoundLink], anchors: Set<String>,
        maxDepth: Int?, maxPages: Int?, maxURLs: Int? = nil, member: CrawlMember? = nil
    ) {
        self.runID = runID
        self.page = page
        self.outcome = outcome
        self.links = links
        self.anchors = anchors
        self.maxDepth = maxDepth
        self.maxPages = maxPages
        self.maxURLs = maxURLs
        self.member = member
    }

    /// Writes nothing when `member` no longer holds the page's claim: its
    /// lease lapsed and another process took the page (and records it, or
    /// has), so this fetch, perhaps a timeout suffered while this process was
    /// stopped, is not the page's outcome. Checked and marked in one statement.
    public func write(to database: Connection) throws {
        // The depth as recorded now: it may have dropped since the page was claimed.
        let done =
            try member.map {
                try database.cached(
                    "UPDATE urls SET state = 'done' WHERE id = ? AND claimed_by = ? AND state = 'fetching' RETURNING depth"
                ).bound(page.id, $0.name)
            } ?? database.cached("UPDATE urls SET state = 'done' WHERE id = ? RETURNING depth").bound(page.id)
        guard let depth = try done.scalar(Int.self) else { return }
        try outcome.write(urlID: page.id, runID: runID, to: database)
        let anchor = try database.cached("INSERT INTO anchors (url_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING")
        for name in anchors.sorted() {
            try anchor.bind(page.id, name)
            try anchor.run()
        }

        let discover = try database.cached(
            """
            INSERT INTO urls (run_id, url, host, depth, internal, state, first_referrer)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id
            """)
        let find = try database.cached("SELECT id, depth FROM urls WHERE run_id = ? AND url = ?")
        // A page recorded twice (two processes, or a resume, fetched it) keeps one set of links.
        let forget = try database.cached("DELETE FROM links WHERE from_url_id = ?")
        try forget.bind(page.id)
        try forget.run()
        if maxPages != nil || maxURLs != nil { try countersTakeTurns(runID, on: database) }
        var pages = try maxPages == nil ? 0 : pageCount(ofRun: runID, on: database)
        let requested = try maxURLs == nil ? nil : RequestedURLs.of(run: runID, on: database)
        let known = database.memo { KnownURLs() }.of(run: runID)
        var edges: [(target: Int64, link: FoundLink)] = []
        edges.reserveCapacity(links.count)
        for found in links {
            var (url, host, sameSite, settled): (String, String, Bool, Outcome?)
            switch found.target {
            case .queue(let u, let h, let s): (url, host, sameSite, settled) = (u, h, s, nil)
            case .settled(let u, let h, let o): (url, host, sameSite, settled) = (u, h, false, o)
            }
            var entry: KnownURLs.Entry
            if let remembered = known[url] {
                entry = remembered
            } else {
                if settled == nil,
                    let limit = sameSite
                        ? limitReached(depth: depth + 1, pages: pages, requested: requested)
                        : urlLimitReached(maxURLs, requested)
                {
                    settled = Outcome(outcome: .excluded, error: limit)
                    sameSite = false
                }
                try discover.bind(runID, url, host, depth + 1, sameSite, settled == nil ? "queued" : "done", page.url)
                if let id = try discover.scalar(Int64.self) {
                    entry = KnownURLs.Entry(id: id, depth: depth + 1)
                    if sameSite { pages += 1 }
                    requested?.add(settled: settled)
                    if let settled { try settled.write(urlID: entry.id, runID: runID, to: database) }
                } else {
                    guard let found = try find.bound(runID, url).first(KnownURLs.Entry.self) else { continue }
                    entry = found
                }
            }
            if entry.depth > depth + 1 {
                try lower(entry.id, to: depth + 1, pages: &pages, requested: requested, on: database)
                entry.depth = depth + 1
            }
            known[url] = entry
            edges.append((entry.id, found))
        }
        try database.insert(
            into: "links",
            columns: [
                "run_id", "from_url_id", "to_url_id", "element", "attribute",
                "fragment", "line",
            ], rows: edges
        ) { edge, row in
            try row.bind(
                runID, page.id, edge.target, edge.link.element, edge.link.attribute, edge.link.fragment,
                edge.link.line)
        }
    }

    /// Why a new page of the site at `depth` is not followed, if a limit says so.
    private func limitReached(depth: Int, pages: Int, requested: RequestedURLs?) -> String? {
        if let maxDepth, depth > maxDepth { return Self.tooDeep(maxDepth) }
        if let maxPages, pages >= maxPages { return beyond("--max-pages", maxPages) }
        return urlLimitReached(maxURLs, requested)
    }

    private static func tooDeep(_ maxDepth: Int) -> String { "deeper than --max-depth \(maxDepth)" }

    /// Records that `url` is `depth` links from the start, fewer than
    /// recorded, and so what a fetched page links to is one more at most,
    /// breadth first. A page `--max-depth` excluded that is now within it is
    /// queued (when `--max-pages` allows). Rare: workers take URLs in the
    /// order found, so most pages are first found by a shortest path.
    private func lower(
        _ url: Int64, to depth: Int, pages: inout Int, requested: RequestedURLs?, on database: Connection
    ) throws {
        let update = try database.cached(
            "UPDATE urls SET depth = ?2 WHERE id = ?1 AND depth > ?2 RETURNING internal, state")
        let targets = try database.cached("SELECT DISTINCT to_url_id FROM links WHERE from_url_id = ?")
        var waiting = [(url, depth)]
        var next = 0
        while next < waiting.count {
            let (url, depth) = waiting[next]
            next += 1
            guard let lowered = try update.bound(url, depth).first(LoweredURL.self) else { continue }
            if lowered.ofSite, lowered.state == "done" {
                waiting += try targets.bound(url).column(Int64.self).map { ($0, depth + 1) }
            } else if !lowered.ofSite, let maxDepth, depth <= maxDepth, try wasTooDeep(url, maxDepth, on: database) {
                if let limit = limitReached(depth: depth, pages: pages, requested: requested) {
                    try Outcome(outcome: .excluded, error: limit).write(urlID: url, runID: runID, to: database)
                    continue
                }
                let queue = try database.cached("UPDATE urls SET internal = 1, state = 'queued' WHERE id = ?")
                try queue.bind(url)
                try queue.run()
                let forget = try database.cached("DELETE FROM fetches WHERE url_id = ?")
                try forget.bind(url)
                try forget.run()
                pages += 1
                requested?.add(settled: nil)
            }
        }
    }

    /// A URL whose depth `lower` lowered: of the site or not, and its state.
    private struct LoweredURL: RowDecodable {
        let ofSite: Bool
        let state: String

        init(row: Row) throws {
            ofSite = try row["internal"]
            state = try row["state"]
        }
    }

    /// Whether `url` was recorded as excluded by `--max-depth`.
    private func wasTooDeep(_ url: Int64, _ maxDepth: Int, on database: Connection) throws -> Bool {
        let excluded = try database.cached(
            "SELECT 1 FROM fetches WHERE url_id = ? AND outcome = 'excluded' AND error = ?")
        return try excluded.bound(url, Self.tooDeep(maxDepth)).scalar(Int.self) != nil
    }
}

/// Why no more URLs are requested, when `requested` has reached `maxURLs`.
private func urlLimitReached(_ maxURLs: Int?, _ requested: RequestedURLs?) -> String? {
    guard let maxURLs, let requested, requested.count >= maxURLs else { return nil }
    return beyond("--max-urls", maxURLs)
}

private func beyond(_ flag: String, _ limit: Int) -> String { "beyond \(flag) \(limit)" }

/// In a crawl shared through PostgreSQL, writers that count the run's
/// pages or URLs against `--max-pages` or `--max-urls` take turns until
/// they commit, so that each counts what the others added.
private func countersTakeTurns(_ runID: Int64, on database: Connection) throws {
    try database.lockUntilCommit(Int32(truncatingIfNeeded: runID), -3)
}

/// The pages of the site run `runID` has recorded, counted once per record.
private func pageCount(ofRun runID: Int64, on database: Connection) throws -> Int {
    let count = try database.cached("SELECT count(*) FROM urls WHERE run_id = ? AND internal = 1")
    return try count.bound(runID).scalar(Int.self) ?? 0
}
