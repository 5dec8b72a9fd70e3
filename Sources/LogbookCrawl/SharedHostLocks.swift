import CrawlSchema
import Foundation
import LogbookStore

/// `--per-host` and `--delay` across every process of a crawl shared
/// through PostgreSQL, held with advisory locks on one worker's own
/// connection: nothing is written, and a process that dies releases its
/// locks with its sessions, at once. The same locks make robots.txt a
/// fetch per run, not per process (`robots`).
///
/// A request to a host first takes one of its `perHost` slot locks (polled,
/// so a free slot is never waited behind a busy one), then passes its
/// start lock: taken in turn and held `delay` before the request starts,
/// so starts to the host are at least `delay` apart in the whole cluster.
/// A `Retry-After` holds the start lock for the time asked.
///
/// A process that is stopped (SIGSTOP, a paused VM) while it holds locks
/// keeps its session: a wait that lasts a lease ends the sessions of members
/// whose lease has lapsed (`CrawlMember.endLapsedSessions`), as their URLs
/// are claimed again, and waits on (a lock taken in turn is asked for again,
/// at the back of its queue).
final class SharedHostLocks {
    private let database: String
    private let member: CrawlMember
    private var locks: Connection
    private let runID: Int64
    private let key: Int32
    private let perHost: Int
    private let delay: Duration

    init(database: String, member: CrawlMember, runID: Int64, perHost: Int, delay: Duration) throws {
        self.database = database
        self.member = member
        locks = try Self.prepare(Connection(path: database, mode: .readOnly), for: member)
        self.runID = runID
        key = Int32(truncatingIfNeeded: runID)
        self.perHost = max(1, perHost)
        self.delay = delay
    }

    /// Runs `body` as one request to `host`, waiting for its turn in the cluster.
    func request<T>(to host: String, _ body: () throws -> T) throws -> T {
        let slots = (0..<perHost).map { Self.lockNumber(host, slot: $0) }
        var backoff: useconds_t = 500
        var held: Int32?
        var waited = ContinuousClock.now
        while held == nil {
            for slot in slots.shuffled() where try reconnecting({ try $0.tryAdvisoryLock(key, slot) }) {
                held = slot
                break
            }
            if held == nil {
                if ContinuousClock.now - waited > member.lease {
                    try endLapsedSessions()
                    waited = .now
                }
                usleep(useconds_t.random(in: backoff / 2...backoff))
                backoff = min(backoff * 2, 20_000)
            }
        }
        defer { try? locks.advisoryUnlock(key, held!) }
        try hold(startOf: host, for: delay)
        return try body()
    }

    /// Holds every request to `host` back, in every process, until `seconds` from now.
    func pause(_ host: String, seconds: Int) throws {
        try hold(startOf: host, for: .seconds(seconds))
    }

    /// Takes `host`'s start lock in turn, keeps it `time`, and gives it back.
    private func hold(startOf host: String, for time: Duration) throws {
        let start = Self.lockNumber(host, slot: -1)
        try lock(start)
        if time > .zero { Thread.sleep(forTimeInterval: time.inSeconds) }
        try reconnecting { try $0.advisoryUnlock(key, start) }
    }

    /// `origin`'s robots.txt as the run recorded it; the first process to
    /// ask fetches it (`fetch`) and records it (`record`, which returns
    /// once it is committed) while the others wait for it.
    func robots(
        of origin: String, fetch: () -> (status: Int?, body: String), record: (RecordRobots) throws -> Void
    ) throws -> RecordRobots {
        let robotsLock = Self.lockNumber(origin, slot: -2)
        try lock(robotsLock)
        defer { try? locks.advisoryUnlock(key, robotsLock) }
        if let recorded = try reconnecting({ try RecordRobots.recorded(runID: runID, origin: origin, on: $0) }) {
            return recorded
        }
        let (status, body) = fetch()
        let fetched = RecordRobots(runID: runID, origin: origin, status: status, body: body)
        try record(fetched)
        return fetched
    }

    /// Waits for lock `number` in turn, ending lapsed members' sessions each
    /// time the wait reaches a lease (the connection's `lock_timeout`).
    private func lock(_ number: Int32) throws {
        while true {
            do {
                return try reconnecting { try $0.advisoryLock(key, number) }
            } catch let error as StoreError where error.sqlState == "55P03" {
                try endLapsedSessions()
            }
        }
    }

    private func endLapsedSessions() throws {
        _ = try reconnecting { try member.endLapsedSessions(runID: runID, on: $0) }
    }

    /// `body` on the lock connection, again on a new one if the server
    /// dropped it (a restart, or this process's lease lapsed while it was
    /// stopped): the locks it held went with it. Up to three new ones: a
    /// member whose renewal is late may lose the next session too.
    private func reconnecting<T>(_ body: (Connection) throws -> T) throws -> T {
        var reconnections = 0
        while true {
            do {
                return try body(locks)
            } catch let error as StoreError where error.isConnectionLost && reconnections < 3 {
                reconnections += 1
                guard let connection = Connection.reopen(database, mode: .readOnly) else { throw error }
                locks = try Self.prepare(connection, for: member)
            }
        }
    }

    /// Signs `connection` as `member`'s and ends its lock waits after a lease
    /// (at most PostgreSQL's longest, 24.8 days).
    private static func prepare(_ connection: Connection, for member: CrawlMember) throws -> Connection {
        try member.sign(connection)
        try connection.execute("SET lock_timeout = \(min(member.leaseMilliseconds, Int(Int32.max)))")
        return connection
    }

    /// A lock number for `host`'s `slot` the same in every process (FNV-1a:
    /// Swift's own hashes are seeded per process). Two hosts that share one
    /// only wait for each other now and then.
    static func lockNumber(_ host: String, slot: Int) -> Int32 {
        var hash: UInt32 = 2_166_136_261
        for byte in "\(host)#\(slot)".utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return Int32(bitPattern: hash)
    }
}

@available(*, unavailable)
extension SharedHostLocks: Sendable {}
