import Foundation
public import LogbookStore

/// One process's part in a crawl that several share through PostgreSQL:
/// the name its claims carry, and how long a claim lasts without news from
/// it. A process renews its leases while it lives (`RenewLeases`); those of
/// a process killed or cut off end, and the others take its URLs again.
public struct CrawlMember: Sendable {
    /// Unique among processes: host, pid and a random part (pids are reused).
    /// Also its host-lock sessions' `application_name` (`sign`), so it is
    /// printable ASCII and at most 63 bytes, as PostgreSQL keeps it.
    public let name: String
    public let host: String
    public let pid: Int
    public let lease: Duration

    public static let defaultLease = Duration.seconds(30)

    public init(lease: Duration = defaultLease) {
        host = ProcessInfo.processInfo.hostName
        pid = Int(ProcessInfo.processInfo.processIdentifier)
        let printable = String(String.UnicodeScalarView(host.unicodeScalars.filter { (32..<127).contains($0.value) }))
        name = "\(printable.prefix(40)):\(pid):\(UInt32.random(in: 0...UInt32.max))"
        self.lease = lease
    }

    public var leaseMilliseconds: Int { Int(lease.inSeconds * 1000) }

    /// Names `connection`'s session after this member, so that the others
    /// can end it if this member's lease lapses (`endLapsedSessions`).
    public func sign(_ connection: Connection) throws {
        _ = try connection.cached("SELECT set_config('application_name', ?, false)").bound(name).scalar(String.self)
    }

    /// Ends the signed sessions (in this database) of run `runID`'s members
    /// not heard from within their lease (stopped, paused, cut off), and with
    /// them the advisory locks they hold: a process that is only slow must not
    /// keep a host's slots from the whole crawl, as its URLs are not kept.
    /// Sessions opened after the lapse are a woken member's, and stay.
    /// Sessions the server will not end for this role (another role's, without
    /// pg_signal_backend; a superuser's) are left. Returns how many ended.
    public func endLapsedSessions(runID: Int64, on connection: Connection) throws -> Int {
        let lapsed = try connection.cached(
            """
            SELECT a.pid FROM pg_stat_activity a
            JOIN crawl_processes p ON p.process = a.application_name
            CROSS JOIN LATERAL (SELECT p.last_seen::timestamptz
                + coalesce(p.lease_ms, ?3) * interval '1 millisecond' AS lapsed_at) l
            WHERE a.datname = current_database() AND a.application_name <> '' AND p.run_id = ?1 AND p.process <> ?2
            AND l.lapsed_at < now() AND a.backend_start < l.lapsed_at
            """)
        let end = try connection.cached("SELECT pg_terminate_backend(CAST(? AS INTEGER))")
        var ended = 0
        for pid in try lapsed.bound(runID, name, leaseMilliseconds).column(Int.self) {
            do {
                if try end.bound(pid).scalar(Bool.self) == true { ended += 1 }
            } catch let error as StoreError where error.sqlState == "42501" {}
        }
        return ended
    }
}

/// Records `member` among the processes working on run `runID`.
public struct JoinCrawl: Record {
    public let runID: Int64
    public let member: CrawlMember

    public init(runID: Int64, member: CrawlMember) {
        self.runID = runID
        self.member = member
    }

    public func write(to database: Connection) throws {
        let join = try database.cached(
            """
            INSERT INTO crawl_processes (run_id, process, host, pid, lease_ms) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        try join.bind(runID, member.name, member.host, member.pid, member.leaseMilliseconds)
        try join.run()
    }
}

/// Extends the leases of every URL `member` is fetching, and says it is alive.
public struct RenewLeases: Record {
    public let runID: Int64
    public let member: CrawlMember

    public init(runID: Int64, member: CrawlMember) {
        self.runID = runID
        self.member = member
    }

    public func write(to database: Connection) throws {
        let renew = try database.cached(
            """
            UPDATE urls SET lease_until = now() + ?3 * interval '1 millisecond'
            WHERE run_id = ?1 AND claimed_by = ?2 AND state = 'fetching'
            """)
        try renew.bind(runID, member.name, member.leaseMilliseconds)
        try renew.run()
        let seen = try database.cached(
            """
            UPDATE crawl_processes SET last_seen = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE run_id = ? AND process = ?
            """)
        try seen.bind(runID, member.name)
        try seen.run()
    }
}

/// `member` stops working on run `runID`: the URLs it claimed but did not
/// finish go back to the queue at once (not when their lease ends), and
/// the run is marked `status` only if no other process has been heard from
/// within a lease: a run others still crawl stays running.
public struct LeaveCrawl: Record {
    public let runID: Int64
    public let member: CrawlMember
    public let status: RunStatus
    public let summary: String?

    public init(runID: Int64, member: CrawlMember, status: RunStatus, summary: String?) {
        self.runID = runID
        self.member = member
        self.status = status
        self.summary = summary
    }

    public func write(to database: Connection) throws {
        let release = try database.cached(
            """
            UPDATE urls SET state = 'queued', claimed_by = NULL, lease_until = NULL
            WHERE run_id = ? AND claimed_by = ? AND state = 'fetching'
            """)
        try release.bind(runID, member.name)
        try release.run()
        let leave = try database.cached("DELETE FROM crawl_processes WHERE run_id = ? AND process = ?")
        try leave.bind(runID, member.name)
        try leave.run()
        let others = try database.cached(
            """
            SELECT count(*) FROM crawl_processes
            WHERE run_id = ?1 AND last_seen::timestamptz > now() - ?2 * interval '1 millisecond'
            """)
        guard try status == .completed || others.bound(runID, member.leaseMilliseconds).scalar(Int.self) == 0 else {
            return
        }
        try UpdateRun(id: runID, status: status, summary: summary).write(to: database)
    }
}

/// What a claim found: URLs for this process, and whether other processes
/// still fetch URLs of the run, which may queue more: a process whose claim
/// comes back empty is not done until they are.
public struct Claim: Sendable {
    public let urls: [ClaimedURL]
    public let othersBusy: Bool
}

/// An origin's robots.txt as a shared crawl fetched it, so that the other
/// processes read it rather than fetch it again.
public struct RecordRobots: Record {
    public let runID: Int64
    public let origin: String
    public let status: Int?
    public let body: String

    public init(runID: Int64, origin: String, status: Int?, body: String) {
        self.runID = runID
        self.origin = origin
        self.status = status
        self.body = body
    }

    public func write(to database: Connection) throws {
        let insert = try database.cached(
            "INSERT INTO robots (run_id, origin, status, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        try insert.bind(runID, origin, status, body)
        try insert.run()
    }

    /// What run `runID` recorded for `origin`, if it has.
    public static func recorded(runID: Int64, origin: String, on database: Connection) throws -> RecordRobots? {
        let select = try database.cached("SELECT status, body FROM robots WHERE run_id = ? AND origin = ?")
        return try select.bound(runID, origin).first(Stored.self).map {
            RecordRobots(runID: runID, origin: origin, status: $0.status, body: $0.body)
        }
    }

    private struct Stored: RowDecodable {
        let status: Int?
        let body: String

        init(row: Row) throws {
            status = try row["status"]
            body = try row["body"]
        }
    }
}
