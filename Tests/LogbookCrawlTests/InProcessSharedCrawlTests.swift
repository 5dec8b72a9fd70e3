import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore
import LogbookTestSupport
import Synchronization
import Testing

/// Two members of one shared crawl in one process, each with its own
/// Recorder, as two processes would be: the frontier's polling, the leases
/// and the advisory locks under ThreadSanitizer (`make test` runs it so).
/// (That `--per-host` holds across processes is TwoHostCrawlTests' to show.)
@Suite(.serialized) final class InProcessSharedCrawlTests {
    let server: PostgresServer
    let folder = TemporaryDirectory()

    init() throws { server = try PostgresServer() }

    @Test func twoMembersInOneProcessCrawlAsOne() throws {
        let site = try linkedSite(delay: .milliseconds(5))
        let (reference, _) = try crawl(site.url("/"), in: folder) { $0.workers = 3 }
        var config = CrawlConfig(start: site.url("/"))
        config.workers = 3
        config.perHost = 2
        config.retries = 0
        config.limits.timeoutMilliseconds = 5000
        let database = try server.makeDatabase()
        let starter = try Recorder(path: database, options: Crawl.recorderOptions(for: database))
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        done.enter()
        Thread { [config] in
            do { _ = try Crawl.start(config, recorder: starter, lease: .seconds(2)) } catch {
                failures.withLock { $0.append("start: \(error)") }
            }
            done.leave()
        }.start()
        #expect(waitUntil { (try? committedRows(in: database, table: "runs")) == 1 })
        let joiner = try Recorder(path: database, options: Crawl.recorderOptions(for: database))
        let joined = try Crawl.join(1, recorder: joiner, lease: .seconds(2))
        done.wait()
        try starter.close()
        try joiner.close()
        #expect(failures.withLock { $0 } == [])
        #expect(joined.completed)
        let shared = try CrawlRecord(run: 1, in: database)
        let expected = try CrawlRecord(run: 1, in: reference)
        #expect(shared.outcomes == expected.outcomes)
        #expect(shared.links.count == expected.links.count)
        #expect(shared.links == expected.links)
    }
}
