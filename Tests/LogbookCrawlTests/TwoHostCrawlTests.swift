import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// A crawl shared by two hosts: `crawl` in one network namespace and `join`
/// in another, each with an address of its own, against a site and a
/// PostgreSQL 15 that both reach over veth links on 10.77.K.0/24 (a network
/// of this run's own; nothing leaves the machine).
///
/// Host A is 10.77.K.2, linked to 10.77.K.1; host B is 10.77.K.6, linked to
/// 10.77.K.5 and routed to 10.77.K.1 through it. The site and the database
/// listen on 10.77.K.1 (and PostgreSQL on 127.0.0.1), so every URL of the
/// run names one address that both hosts reach.
@Suite(
    .serialized,
    .enabled(
        if: NetworkNamespace.isAvailable,
        "needs root and `ip netns` with veth links (iproute2): each process gets a host of its own"))
final class TwoHostCrawlTests {
    let hosts: [NetworkNamespace]
    /// This machine's address on host A's link: the site's and the database's.
    let serverAddress: String
    let server: PostgresServer
    let site: TestHTTPServer
    let folder = TemporaryDirectory()
    /// Every process a test started, killed in `deinit` if still running,
    /// so that no namespace outlives the test through a process inside it.
    var started: [ChildProcess] = []
    let sharedOptions = ["--quiet", "--lease", "2s"]

    init() throws {
        let subnet = try NetworkNamespace.freeSubnet()
        let pid = getpid()
        hosts = [
            try NetworkNamespace(
                name: "lbk-\(pid)-a", address: "\(subnet).2", hostAddress: "\(subnet).1", routes: ["\(subnet).0/24"]),
            try NetworkNamespace(
                name: "lbk-\(pid)-b", address: "\(subnet).6", hostAddress: "\(subnet).5", routes: ["\(subnet).0/24"]),
        ]
        serverAddress = hosts[0].hostAddress
        server = try PostgresServer(alsoListeningOn: [serverAddress], allowing: ["\(subnet).0/24"])
        site = try linkedSite(delay: .milliseconds(10), address: serverAddress, offSite: false)
    }

    deinit {
        for process in started where process.isRunning {
            process.signal(SIGKILL)
            _ = process.finish(timeout: .seconds(10))
        }
        hosts.forEach { $0.remove() }
    }

    /// The one-process SQLite crawl, from this machine's own namespace,
    /// that the shared one must equal.
    func reference(_ options: [String]) throws -> CrawlRecord {
        let path = folder.file("reference.sqlite")
        let crawl = try runProcess(
            builtProduct("logbook"), ["crawl", site.url("/"), "--db", path] + options, timeout: .seconds(120))
        #expect(crawl.status == 1, "dead links found: \(crawl.stderr)")
        return try CrawlRecord(run: 1, in: path)
    }

    func logbook(on host: NetworkNamespace, _ arguments: [String]) throws -> ChildProcess {
        let process = try host.start(builtProduct("logbook"), arguments)
        started.append(process)
        return process
    }

    func fetched(_ database: String) -> Int64 { (try? committedRows(in: database, table: "fetches")) ?? 0 }

    /// `crawl` on host A with `options`, then `join` on host B once A has
    /// recorded a fetch; waits (at most two minutes each) for both to end
    /// with the crawl, dead links found. The database's URL.
    func sharedCrawl(_ options: [String]) throws -> String {
        let database = try server.makeDatabase(host: serverAddress)
        let starter = try logbook(on: hosts[0], ["crawl", site.url("/"), "--db", database] + options)
        #expect(waitUntil { fetched(database) > 0 || !starter.isRunning })
        #expect(starter.isRunning, "the crawl ended before host B joined it")
        let joiner = try logbook(on: hosts[1], ["join", "1", "--db", database] + sharedOptions)
        for (host, process) in zip(["A", "B"], [starter, joiner]) {
            let ended = process.finish(timeout: .seconds(120))
            #expect(!ended.timedOut, "host \(host)'s process ended within two minutes")
            #expect(ended.status == 1, "host \(host) ends with the crawl, dead links found: \(ended.stderr)")
            #expect(ended.stdout.contains("crawl completed"), "host \(host): \(ended.stdout)")
        }
        return database
    }

    /// Both hosts claim URLs and fetch from their own addresses, and the
    /// run equals a one-process crawl of the site exactly.
    @Test func twoHostsShareACrawlThatEqualsAOneProcessCrawl() throws {
        let options = ["--workers", "2", "--retries", "0"] + sharedOptions
        let expected = try reference(options)
        site.resetTraffic()
        let database = try sharedCrawl(options)
        #expect(try CrawlRecord(run: 1, in: database).differences(from: expected) == [])
        let reader = try Connection(path: database, mode: .readOnly)
        #expect(try reader.runs().first?.status == .completed)
        // A done URL keeps the name of the process that fetched it last.
        #expect(
            try reader.scalar("SELECT count(DISTINCT claimed_by) FROM urls WHERE run_id = 1") == .integer(2),
            "both processes claimed URLs")
        #expect(
            Set(site.requestsByPeer.keys) == Set(hosts.map(\.address)),
            "the site was asked from both hosts' addresses and no other: \(site.requestsByPeer)")
    }

    /// `--per-host 1` with four workers on each host: the site never has
    /// two requests in flight, though two processes on two addresses ask it.
    /// (One process alone first, to show that the site's count sees a limit
    /// that holds.)
    @Test func onePerHostHoldsAcrossHosts() throws {
        let options = ["--workers", "4", "--per-host", "1", "--retries", "0"] + sharedOptions
        _ = try reference(options)
        #expect(site.mostRequestsInFlight == 1, "one process keeps to one request at a time")
        site.resetTraffic()
        _ = try sharedCrawl(options)
        let peers = site.requestsByPeer
        #expect(hosts.allSatisfy { peers[$0.address, default: 0] > 0 }, "both hosts fetched pages: \(peers)")
        #expect(site.mostRequestsInFlight == 1, "one request at a time to the site across both hosts")
    }
}
