import CrawlSchema
import Foundation
import LogbookStore
import LogbookTestSupport
import Synchronization
import Testing

@testable import LogbookCrawl

/// The host locks of a crawl shared through PostgreSQL, held by two members
/// in one process as two processes would hold them. A member stopped while it
/// holds a lock (SIGSTOP, a paused machine: its session stays open, idle) loses
/// it once its lease lapses, as it loses its URLs; a live member keeps it.
@Suite(.serialized) final class SharedHostLocksTests {
    let server: PostgresServer
    let database: String
    let recorder: Recorder
    let runID: Int64
    /// Reads pg_stat_activity while the members hold and wait.
    let observer: Connection
    static let lease = Duration.seconds(1)

    init() throws {
        server = try PostgresServer()
        database = try server.makeDatabase()
        recorder = try Recorder(path: database, options: Crawl.recorderOptions(for: database))
        runID = try recorder.ask(StartRun(kind: .crawl, config: "{}"))
        observer = try Connection(path: database, mode: .readOnly)
    }

    deinit { try? recorder.close() }

    /// The two locks a member may wait on: a host's slot (polled), and a
    /// lock taken in turn (robots.txt's; a host's start lock is the same wait).
    enum Lock: CaseIterable {
        case hostSlot, robots

        /// Holds the lock on `locks` (one slot a host) while `body` runs.
        func hold(_ locks: SharedHostLocks, while body: () -> Void) throws {
            switch self {
            case .hostSlot: try locks.request(to: "site.test", body)
            case .robots:
                _ = try locks.robots(
                    of: "http://site.test",
                    fetch: {
                        body(); return (404, "")
                    }, record: { _ in })
            }
        }
    }

    func join(lease: Duration = lease) throws -> CrawlMember {
        let member = CrawlMember(lease: lease)
        try recorder.send(JoinCrawl(runID: runID, member: member))
        try recorder.flush()
        return member
    }

    /// `member`'s locks, one slot a host, made on the thread that uses them.
    static func locks(of member: CrawlMember, _ database: String, _ runID: Int64) throws -> SharedHostLocks {
        try SharedHostLocks(database: database, member: member, runID: runID, perHost: 1, delay: .zero)
    }

    /// Sessions signed by `member`.
    func sessions(of member: CrawlMember) throws -> Int? {
        try observer.cached(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
        ).bound(member.name).scalar(Int.self)
    }

    /// `holder` takes `lock` and keeps it until `release`; `waiter` asks for it
    /// on a thread of its own. Returns whether the waiter got it before the
    /// release (asked until `until`, told whether the waiter has it, says so),
    /// and whether the holder, released, took the lock again.
    func contend(
        _ lock: Lock, holder: CrawlMember, waiter: CrawlMember, release: DispatchSemaphore,
        until: (Bool) throws -> Bool
    ) throws -> (waiterGotIt: Bool, holderAfterwards: Bool) {
        let (database, runID) = (database, runID)
        let holding = DispatchSemaphore(value: 0)
        let holderDone = DispatchSemaphore(value: 0)
        let holderAfterwards = Atomic(false)
        Thread {
            if let held = try? Self.locks(of: holder, database, runID),
                (try? lock.hold(
                    held,
                    while: {
                        holding.signal(); release.wait()
                    })) != nil
            {
                // Woken, it holds the lock again on a new session if it had lost its own.
                holderAfterwards.store((try? lock.hold(held, while: {})) != nil, ordering: .sequentiallyConsistent)
            } else {
                holding.signal()
            }
            holderDone.signal()
        }.start()
        holding.wait()
        let waiterGotIt = Atomic(false)
        let waiterDone = DispatchSemaphore(value: 0)
        Thread {
            if let waiting = try? Self.locks(of: waiter, database, runID) {
                waiterGotIt.store((try? lock.hold(waiting, while: {})) != nil, ordering: .sequentiallyConsistent)
            }
            waiterDone.signal()
        }.start()
        _ = try waitUntil(timeout: .seconds(30)) { try until(waiterGotIt.load(ordering: .sequentiallyConsistent)) }
        let gotIt = waiterGotIt.load(ordering: .sequentiallyConsistent)
        release.signal()
        #expect(holderDone.wait(timeout: .now() + 30) == .success)
        #expect(waiterDone.wait(timeout: .now() + 30) == .success)
        return (gotIt, holderAfterwards.load(ordering: .sequentiallyConsistent))
    }

    @Test(arguments: Lock.allCases) func aStoppedHoldersLockIsTakenOnceItsLeaseLapses(_ lock: Lock) throws {
        let stopped = try join()
        let waiter = try join()
        let release = DispatchSemaphore(value: 0)
        var ended = false
        // A backend lets its locks go before it leaves pg_stat_activity: wait for both.
        let result = try contend(lock, holder: stopped, waiter: waiter, release: release) { waiterGotIt in
            let none = try sessions(of: stopped) == 0
            ended = ended || none
            return waiterGotIt && ended
        }
        #expect(result.waiterGotIt, "the waiter took the lock of a member not heard from for a lease")
        #expect(ended, "the stopped member's session was ended")
        #expect(result.holderAfterwards, "the stopped member, woken, connects again and takes locks")
    }

    /// The holder's lease is four times the waiter's, and renewed every third
    /// of it, as a live process's crawl loop does: gaps longer than the
    /// waiter's lease, within the holder's own.
    @Test(arguments: Lock.allCases) func aLiveHolderKeepsItsLockPastALease(_ lock: Lock) throws {
        let live = try join(lease: Self.lease * 4)
        let waiter = try join()
        let release = DispatchSemaphore(value: 0)
        let started = ContinuousClock.now
        var renewed = started
        let result = try contend(lock, holder: live, waiter: waiter, release: release) { waiterGotIt in
            if ContinuousClock.now - renewed > live.lease / 3 {
                try recorder.send(RenewLeases(runID: runID, member: live))
                try recorder.flush()
                renewed = .now
            }
            #expect(try sessions(of: live) == 1, "a live member's session is never ended")
            return waiterGotIt || ContinuousClock.now - started > live.lease * 1.5
        }
        #expect(!result.waiterGotIt, "the waiter waited for a member that renews its lease")
        #expect(result.holderAfterwards)
    }

    /// Only sessions a lapsed member opened before its lapse end: one it
    /// opens after (woken, connecting again) stays, as do a member's whose
    /// own lease, longer than the judge's, has not lapsed.
    @Test func sessionsOpenedAfterALapseAndLongLeasesStay() throws {
        let lapsed = try join()
        let patient = try join(lease: Self.lease * 60)
        let judge = try join()
        let signed = { (member: CrawlMember) in
            let connection = try Connection(path: self.database, mode: .readOnly)
            try member.sign(connection)
            return connection
        }
        let before = try signed(lapsed)
        let long = try signed(patient)
        usleep(1_500_000)
        let after = try signed(lapsed)
        #expect(try judge.endLapsedSessions(runID: runID, on: observer) == 1)
        #expect(try waitUntil { try sessions(of: lapsed) == 1 })
        #expect(throws: StoreError.self) { try before.scalar("SELECT 1") }
        #expect(try after.scalar("SELECT 1") == .integer(1))
        #expect(try long.scalar("SELECT 1") == .integer(1))
        #expect(try judge.endLapsedSessions(runID: runID, on: observer) == 0)
    }
}
