import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// Crawls shared by several logbook processes through a real PostgreSQL 15,
/// against a one-process SQLite crawl of the same site.
@Suite(.serialized) final class SharedCrawlTests {
    let server: PostgresServer
    let folder = TemporaryDirectory()
    let site: TestHTTPServer
    /// Short leases, so that a dead process's URLs come back within the test.
    let options = ["--quiet", "--lease", "2s"]
    let crawlOptions = ["--workers", "2", "--retries", "0"]

    init() throws {
        server = try PostgresServer()
        site = try linkedSite(delay: .milliseconds(20))
    }

    /// The one-process SQLite crawl every shared crawl must equal.
    func reference() throws -> CrawlRecord {
        let path = folder.file("reference.sqlite")
        let crawl = try runProcess(
            builtProduct("logbook"), ["crawl", site.url("/"), "--db", path] + crawlOptions + options)
        #expect(crawl.status == 1, "dead links found: \(crawl.stderr)")
        return try CrawlRecord(run: 1, in: path)
    }

    func logbook(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(builtProduct("logbook"), arguments)
    }

    func fetched(_ database: String) -> Int64 { (try? committedRows(in: database, table: "fetches")) ?? 0 }

    /// URLs `process` holds claims on (being fetched, by its name).
    func held(by process: ChildProcess, in database: String) throws -> Int64 {
        try committedRows(
            in: database, table: "urls", where: "state = 'fetching' AND claimed_by LIKE '%:\(process.pid):%'")
    }

    /// `crawl` and two `join`s; one joiner is killed with SIGKILL part-way
    /// and started again. The others take the dead one's URLs when its
    /// leases end, and the run equals a one-process crawl exactly. (The
    /// victim's lease, 10 s, keeps the crawl open until it is back: the
    /// others finish the rest of the site in seconds.)
    @Test func threeProcessesOneKilledAndRestartedEqualAOneProcessCrawl() throws {
        let expected = try reference()
        let database = try server.makeDatabase()
        let starter = try logbook(["crawl", site.url("/"), "--db", database] + crawlOptions + options)
        #expect(waitUntil { fetched(database) > 0 })
        let join = ["join", "1", "--db", database] + options
        let steady = try logbook(join)
        var victim = try logbook(["join", "1", "--db", database, "--quiet", "--lease", "10s"])
        #expect(waitUntil { fetched(database) >= 150 || !victim.isRunning })
        #expect(victim.isRunning, "the crawl ended before the joiner was killed")
        #expect(try held(by: victim, in: database) > 0, "the victim held URLs when it was killed")
        victim.signal(SIGKILL)
        #expect(victim.finish().signalled)
        victim = try logbook(join)
        for process in [starter, steady, victim] {
            let ended = process.finish()
            #expect(ended.status == 1, "every process ends with the crawl, dead links found: \(ended.stderr)")
            #expect(ended.stdout.contains("crawl completed"))
        }
        let shared = try CrawlRecord(run: 1, in: database)
        #expect(shared.differences(from: expected) == [])
        #expect(site.requestCount("/robots.txt") == 2, "once for the reference, once for the whole shared crawl")
        let reader = try Connection(path: database, mode: .readOnly)
        #expect(try reader.runs().first?.status == .completed)
        // Every process claimed some of the site (a done URL keeps its last claimant's name).
        let claimants = try reader.scalar("SELECT count(DISTINCT claimed_by) FROM urls WHERE run_id = 1")
        #expect(claimants.flatMap { if case .integer(let n) = $0 { n } else { nil } } ?? 0 >= 3)
        #expect(
            try reader.scalar("SELECT count(*) FROM crawl_processes") == .integer(1), "only the killed one's row stays")
    }

    /// A joiner stopped (SIGSTOP) for three leases is only slow: the others
    /// take its URLs (and its host locks, SharedHostLocksTests) and record
    /// them; when it wakes, its late fetches of them are dropped. Each URL
    /// still has one outcome and each page one set of links.
    @Test func aLeaseThatEndsWhileItsHolderIsOnlySlowLeavesNoDuplicates() throws {
        let expected = try reference()
        let database = try server.makeDatabase()
        let starter = try logbook(["crawl", site.url("/"), "--db", database] + crawlOptions + options)
        #expect(waitUntil { fetched(database) > 0 })
        let sleeper = try logbook(["join", "1", "--db", database] + options)
        #expect(waitUntil { fetched(database) >= 100 || !sleeper.isRunning })
        let claimed = try held(by: sleeper, in: database)
        sleeper.signal(SIGSTOP)
        #expect(waitUntil { fetched(database) >= 300 || !starter.isRunning })
        sleeper.signal(SIGCONT)
        for process in [starter, sleeper] {
            let ended = process.finish()
            #expect(ended.status == 1, "\(ended.stderr)")
        }
        #expect(try CrawlRecord(run: 1, in: database).differences(from: expected) == [])
        #expect(claimed > 0, "the sleeper held URLs when it was stopped")
    }

    /// A PostgreSQL restart mid-crawl drops every connection: the writer
    /// connects again and sends again what was not committed, and the
    /// crawl ends as an uninterrupted one.
    @Test func aServerRestartMidwayIsRiddenOut() throws {
        let expected = try reference()
        let database = try server.makeDatabase()
        let crawl = try logbook(["crawl", site.url("/"), "--db", database] + crawlOptions + options)
        #expect(waitUntil { fetched(database) >= 100 || !crawl.isRunning })
        try server.stop()
        usleep(500_000)
        try server.start()
        let ended = crawl.finish()
        #expect(ended.status == 1, "\(ended.stderr)")
        #expect(try CrawlRecord(run: 1, in: database).differences(from: expected) == [])
        #expect(try Connection(path: database, mode: .readOnly).runs().first?.status == .completed)
    }

    /// A crawl whose database stays away past the writer's reconnection
    /// window fails, naming the server; resume finishes it once it is back.
    @Test func aServerGoneForGoodFailsTheCrawlAndResumeFinishesIt() throws {
        let expected = try reference()
        let database = try server.makeDatabase()
        let crawl = try logbook(["crawl", site.url("/"), "--db", database] + crawlOptions + options)
        #expect(waitUntil { fetched(database) >= 100 || !crawl.isRunning })
        try server.stop()
        let failed = crawl.finish()
        try server.start()
        #expect(failed.status != 0 && failed.status != 1, "\(failed.status)")
        #expect(failed.stderr.contains("127.0.0.1:\(server.port)"), "\(failed.stderr)")
        let resumed = try runProcess(builtProduct("logbook"), ["resume", "1", "--db", database] + options)
        #expect(resumed.status == 1, "\(resumed.stderr)")
        #expect(try CrawlRecord(run: 1, in: database).differences(from: expected) == [])
    }

    /// A role that logs in with a password: the wrong one is refused in
    /// PostgreSQL's words and records nothing; the right one (PGPASSWORD) crawls.
    @Test func aWrongPasswordIsRefusedAndTheRightOneCrawls() throws {
        try server.addRole("reader", password: "right")
        let database = try server.makeDatabase(owner: "reader")
        let crawl = ["crawl", site.url("/"), "--db", database, "--max-pages", "5"] + options
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = "wrong"
        let refused = try runProcess(builtProduct("logbook"), crawl, environment: environment)
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("password authentication failed for user \"reader\""), "\(refused.stderr)")
        #expect(!refused.stderr.contains("wrong"))
        environment["PGPASSWORD"] = "right"
        let crawled = try runProcess(builtProduct("logbook"), crawl, environment: environment)
        #expect(crawled.status == 0 || crawled.status == 1, "\(crawled.stderr)")
        let runs = try runProcess(builtProduct("logbook"), ["runs", "--db", database], environment: environment)
        #expect(runs.stdout.split(separator: "\n").count == 4, "one run: \(runs.stdout)")
    }

    @Test func badDatabasesAndRunsAreRefusedClearly() throws {
        let database = try server.makeDatabase()
        let cases: [(arguments: [String], message: String)] = [
            (["crawl", site.url("/"), "--db", "postgres://logbook@127.0.0.1:1/x"], "cannot connect"),
            (["crawl", site.url("/"), "--db", "postgres://nobody@127.0.0.1:\(server.port)/postgres"], "\"nobody\""),
            (["crawl", site.url("/"), "--db", "postgres://logbook:pw@127.0.0.1:\(server.port)/x"], "PGPASSWORD"),
            (["join", "1", "--db", folder.file("one.sqlite")], "SQLite file"),
            (["join", "7", "--db", database], "there is no run 7"),
            (["crawl", site.url("/"), "--db", database, "--reuse"], "not yet from PostgreSQL"),
        ]
        for (arguments, message) in cases {
            let result = try runProcess(builtProduct("logbook"), arguments + ["--quiet"])
            #expect(result.status == 2 || result.status == 3, "\(arguments): \(result.status)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("pw@"), "the password is never shown")
        }
    }
}
