import Foundation
import LogbookStore

/// A URL a worker claimed from the frontier.
struct ClaimedURL: Hashable, Sendable {
    let id: Int64
    let url: String
    let depth: Int
    /// Of the site: fetched and parsed. Otherwise only checked.
    let sameSite: Bool
}

/// The outcome of one URL, as `fetches` holds it.
struct Outcome: Sendable {
    enum Class: String, Sendable { case ok, redirect, dead, error, skipped, excluded, robots }

    var outcome: Class
    var status: Int?
    var error: String?
    var contentType: String?
    var bytes: Int?
    var elapsedMilliseconds: Double?
    var finalURL: String?
    var redirects: [String] = []

    /// The redirect chain as a JSON array.
    private static func json(_ chain: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(chain), as: UTF8.self)
    }

    func write(urlID: Int64, runID: Int64, to database: Connection) throws {
        let insert = try database.cached("""
            INSERT OR REPLACE INTO fetches
                (url_id, run_id, status, outcome, error, content_type, bytes, elapsed_ms, final_url, redirects)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind(urlID, at: 1)
        try insert.bind(runID, at: 2)
        try insert.bind(status.map { .integer(Int64($0)) } ?? .null, at: 3)
        try insert.bind(outcome.rawValue, at: 4)
        try insert.bind(error.map(SQLValue.text) ?? .null, at: 5)
        try insert.bind(contentType.map(SQLValue.text) ?? .null, at: 6)
        try insert.bind(bytes.map { .integer(Int64($0)) } ?? .null, at: 7)
        try insert.bind(elapsedMilliseconds.map(SQLValue.real) ?? .null, at: 8)
        try insert.bind(finalURL.map(SQLValue.text) ?? .null, at: 9)
        try insert.bind(redirects.isEmpty ? .null : .text(try Self.json(redirects)), at: 10)
        try insert.run()
    }
}

/// A link found on a page, resolved and classified by the worker.
struct FoundLink: Sendable {
    enum Target: Sendable {
        /// To be fetched (same site) or checked.
        case queue(url: String, host: String, sameSite: Bool)
        /// Recorded with this outcome, never fetched. Rare, and an outcome
        /// is large (112 bytes): boxed, a link takes 96 bytes, not 208.
        indirect case settled(url: String, host: String, Outcome)
    }

    let target: Target
    let element: String
    let attribute: String
    let fragment: String?
    let line: Int
}

/// Puts the start URL in the frontier.
struct SeedCrawl: Record {
    let runID: Int64
    let url: String
    let host: String

    func write(to database: Connection) throws {
        let insert = try database.cached("""
            INSERT OR IGNORE INTO urls (run_id, url, host, depth, internal) VALUES (?, ?, ?, 0, 1)
            """)
        try insert.bind(runID, at: 1)
        try insert.bind(url, at: 2)
        try insert.bind(host, at: 3)
        try insert.run()
    }
}

/// Puts URLs a killed run left `fetching` back in the queue.
struct RequeueFetching: Record {
    let runID: Int64

    func write(to database: Connection) throws {
        let update = try database.cached("UPDATE urls SET state = 'queued' WHERE run_id = ? AND state = 'fetching'")
        try update.bind(runID, at: 1)
        try update.run()
    }
}

/// Takes up to `limit` queued URLs, oldest first, and marks them fetching.
struct ClaimURLs: Request {
    let runID: Int64
    let limit: Int

    func answer(from database: Connection) throws -> [ClaimedURL] {
        let claim = try database.cached("""
            UPDATE urls SET state = 'fetching'
            WHERE id IN (SELECT id FROM urls WHERE run_id = ?1 AND state = 'queued' ORDER BY id LIMIT ?2)
            RETURNING id, url, depth, internal
            """)
        try claim.bind(runID, at: 1)
        try claim.bind(limit, at: 2)
        var claimed: [ClaimedURL] = []
        while try claim.step() {
            claimed.append(ClaimedURL(id: claim.int64(0), url: claim.text(1) ?? "", depth: Int(claim.int64(2)),
                                      sameSite: claim.int64(3) == 1))
        }
        claim.reset()
        return claimed.sorted { $0.id < $1.id }
    }
}

/// A URL's outcome, every link on it, and the URLs they discover: one
/// record, so one transaction. The writer's INSERT OR IGNORE on
/// UNIQUE (run_id, url) is the crawl's `seen` set.
///
/// A URL's depth is its shortest link distance from the start, whichever
/// worker got there first: a link to a known URL from a page closer to the
/// start lowers its depth, and what it links to in turn (`lower`); a page
/// that `--max-depth` excluded is queued once it is close enough.
struct PageDone: Record {
    let runID: Int64
    let page: ClaimedURL
    let outcome: Outcome
    let links: [FoundLink]
    /// The page's ids and a[name]s, when fragments are checked.
    let anchors: Set<String>
    /// New pages of the site beyond these are recorded as excluded.
    let maxDepth: Int?
    let maxPages: Int?

    func write(to database: Connection) throws {
        try outcome.write(urlID: page.id, runID: runID, to: database)
        // The depth as recorded now: it may have dropped since the page was claimed.
        let done = try database.cached("UPDATE urls SET state = 'done' WHERE id = ? RETURNING depth")
        try done.bind(page.id, at: 1)
        let depth = try done.step() ? Int(done.int64(0)) : page.depth
        done.reset()
        let anchor = try database.cached("INSERT OR IGNORE INTO anchors (url_id, name) VALUES (?, ?)")
        for name in anchors.sorted() {
            try anchor.bind(page.id, at: 1)
            try anchor.bind(name, at: 2)
            try anchor.run()
        }

        let discover = try database.cached("""
            INSERT OR IGNORE INTO urls (run_id, url, host, depth, internal, state, first_referrer)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let find = try database.cached("SELECT id, depth FROM urls WHERE run_id = ? AND url = ?")
        // A page recorded twice (two processes, or a resume, fetched it) keeps one set of links.
        let forget = try database.cached("DELETE FROM links WHERE from_url_id = ?")
        try forget.bind(page.id, at: 1)
        try forget.run()
        var pages = try maxPages == nil ? 0 : pageCount(on: database)
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
                if sameSite, settled == nil, let limit = limitReached(depth: depth + 1, pages: pages) {
                    settled = Outcome(outcome: .excluded, error: limit)
                    sameSite = false
                }
                try discover.bind(runID, at: 1)
                try discover.bind(url, at: 2)
                try discover.bind(host, at: 3)
                try discover.bind(depth + 1, at: 4)
                try discover.bind(sameSite ? 1 : 0, at: 5)
                try discover.bind(settled == nil ? "queued" : "done", at: 6)
                try discover.bind(page.url, at: 7)
                try discover.run()
                if database.changes == 1 {
                    entry = KnownURLs.Entry(id: database.lastInsertRowID, depth: depth + 1)
                    if sameSite { pages += 1 }
                    if let settled { try settled.write(urlID: entry.id, runID: runID, to: database) }
                } else {
                    try find.bind(runID, at: 1)
                    try find.bind(url, at: 2)
                    guard try find.step() else {
                        find.reset()
                        continue
                    }
                    entry = KnownURLs.Entry(id: find.int64(0), depth: Int(find.int64(1)))
                    find.reset()
                }
            }
            if entry.depth > depth + 1 {
                try lower(entry.id, to: depth + 1, pages: &pages, on: database)
                entry.depth = depth + 1
            }
            known[url] = entry
            edges.append((entry.id, found))
        }
        try database.insert(into: "links", columns: ["run_id", "from_url_id", "to_url_id", "element", "attribute",
                                                     "fragment", "line"], rows: edges) { edge, row in
            try row.bind(runID)
            try row.bind(page.id)
            try row.bind(edge.target)
            try row.bind(edge.link.element)
            try row.bind(edge.link.attribute)
            try row.bind(edge.link.fragment.map(SQLValue.text) ?? .null)
            try row.bind(edge.link.line)
        }
    }

    /// Why a new page of the site at `depth` is not followed, if a limit says so.
    private func limitReached(depth: Int, pages: Int) -> String? {
        if let maxDepth, depth > maxDepth { return Self.tooDeep(maxDepth) }
        if let maxPages, pages >= maxPages { return "beyond --max-pages \(maxPages)" }
        return nil
    }

    private static func tooDeep(_ maxDepth: Int) -> String { "deeper than --max-depth \(maxDepth)" }

    /// Records that `url` is `depth` links from the start, fewer than
    /// recorded, and so what a fetched page links to is one more at most,
    /// breadth first. A page `--max-depth` excluded that is now within it is
    /// queued (when `--max-pages` allows). Rare: workers take URLs in the
    /// order found, so most pages are first found by a shortest path.
    private func lower(_ url: Int64, to depth: Int, pages: inout Int, on database: Connection) throws {
        let update = try database.cached("UPDATE urls SET depth = ?2 WHERE id = ?1 AND depth > ?2 RETURNING internal, state")
        let targets = try database.cached("SELECT DISTINCT to_url_id FROM links WHERE from_url_id = ?")
        var waiting = [(url, depth)]
        var next = 0
        while next < waiting.count {
            let (url, depth) = waiting[next]
            next += 1
            try update.bind(url, at: 1)
            try update.bind(depth, at: 2)
            guard try update.step() else {
                update.reset()
                continue
            }
            let (ofSite, state) = (update.int64(0) == 1, update.text(1))
            update.reset()
            if ofSite, state == "done" {
                try targets.bind(url, at: 1)
                while try targets.step() { waiting.append((targets.int64(0), depth + 1)) }
                targets.reset()
            } else if !ofSite, let maxDepth, depth <= maxDepth, try wasTooDeep(url, maxDepth, on: database) {
                if let limit = limitReached(depth: depth, pages: pages) {
                    try Outcome(outcome: .excluded, error: limit).write(urlID: url, runID: runID, to: database)
                    continue
                }
                let queue = try database.cached("UPDATE urls SET internal = 1, state = 'queued' WHERE id = ?")
                try queue.bind(url, at: 1)
                try queue.run()
                let forget = try database.cached("DELETE FROM fetches WHERE url_id = ?")
                try forget.bind(url, at: 1)
                try forget.run()
                pages += 1
            }
        }
    }

    /// Whether `url` was recorded as excluded by `--max-depth`.
    private func wasTooDeep(_ url: Int64, _ maxDepth: Int, on database: Connection) throws -> Bool {
        let excluded = try database.cached("SELECT 1 FROM fetches WHERE url_id = ? AND outcome = 'excluded' AND error = ?")
        try excluded.bind(url, at: 1)
        try excluded.bind(Self.tooDeep(maxDepth), at: 2)
        defer { excluded.reset() }
        return try excluded.step()
    }

    /// The pages of the site recorded so far, counted once per record.
    private func pageCount(on database: Connection) throws -> Int {
        let count = try database.cached("SELECT count(*) FROM urls WHERE run_id = ? AND internal = 1")
        try count.bind(runID, at: 1)
        _ = try count.step()
        defer { count.reset() }
        return Int(count.int64(0))
    }
}
