import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct CrawlCommandTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    func fetched(_ database: String) -> Int64 { (try? committedRows(in: database, table: "fetches")) ?? 0 }

    @Test func aCrawlKilledTenToTwelveTimesAndResumedEqualsAnUninterruptedOne() throws {
        // A crawl commits about once a second (`Crawl.recorderOptions`) and
        // a kill loses what it had not committed: slow enough pages make a
        // crawl of a dozen commits or more, so that it can be killed up to
        // twelve times, ten at least.
        let server = try linkedSite(delay: .milliseconds(80))
        let options = [server.url("/"), "--workers", "4", "--retries", "0", "--quiet"]
        let reference = folder.file("reference.sqlite")
        let full = try runProcess(builtProduct("logbook"), ["crawl", "--db", reference] + options)
        #expect(full.status == 1, "dead links found: \(full.stderr)")
        let expected = try CrawlRecord(run: 1, in: reference)
        #expect(expected.urls("ok").count == 601)
        #expect(expected.urls("dead").count == 10)
        #expect(expected.urls("error").count == 6)

        var generator = SystemRandomNumberGenerator()
        var child = try ChildProcess(builtProduct("logbook"), ["crawl", "--db", path] + options)
        var kills = 0
        while kills < 12 {
            // Killed once 5 to 30 more fetches are committed (or the crawl ended).
            let target = fetched(path) + Int64.random(in: 5...30, using: &generator)
            #expect(waitUntil { fetched(path) >= target || !child.isRunning }, "no progress after kill \(kills)")
            child.signal(SIGKILL)
            let ended = child.finish()
            guard ended.signalled, try !crawlCompleted(in: path) else { break }  // it finished first
            kills += 1
            #expect(try Connection(path: path, mode: .readOnly).scalar("PRAGMA integrity_check") == .text("ok"))
            child = try ChildProcess(builtProduct("logbook"), ["resume", "--db", path, "--quiet"])
        }
        let last = child.finish()
        #expect(last.status == 1, "\(last.stderr)")
        #expect(kills >= 10, "the crawl finished before it was killed ten times")
        let resumed = try CrawlRecord(run: 1, in: path)
        #expect(resumed.outcomes == expected.outcomes)
        #expect(resumed.links == expected.links)
        #expect(resumed.depths == expected.depths)
        #expect(try Connection(path: path, mode: .readOnly).runs().first?.status == .completed)
    }

    @Test func ctrlCStopsTheCrawlAndResumeFinishesIt() throws {
        let server = try linkedSite()
        let child = try ChildProcess(
            builtProduct("logbook"), ["crawl", "--db", path, server.url("/"), "--retries", "0"])
        #expect(waitUntil { fetched(path) >= 50 }, "the crawl fetched 50 URLs")
        child.signal(SIGINT)
        let stopped = child.finish(timeout: .seconds(60))
        #expect(stopped.status == 130, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("logbook resume 1"))
        #expect(try Connection(path: path, mode: .readOnly).runs().first?.status == .interrupted)
        let resumed = try logbook("resume", "--db", path, "--format", "json")
        #expect(resumed.status == 1)
        let summary = try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any]
        #expect(summary?["completed"] as? Bool == true)
        #expect(summary?["pages"] as? Int == 611)
        #expect((summary?["dead"] as? [Any])?.isEmpty == false)
    }

    @Test func exitCodeIsZeroWithoutDeadLinksAndOneWithThem() throws {
        let clean = try TestHTTPServer { _, path in .html(path == "/" ? "<a href=\"/b\">b</a>" : "<p>b</p>") }
        let ok = try logbook("crawl", "--db", path, clean.url("/"))
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("2 pages, 2 URLs, 2 ok, 0 dead"))

        let broken = try TestHTTPServer { _, path in
            path == "/" ? .html("<a href=\"/gone\">gone</a>") : .html("", status: 404)
        }
        let found = try logbook("crawl", "--db", path, broken.url("/"))
        #expect(found.status == 1)
        #expect(found.stdout.contains("\(broken.url("/"))\n  line 1: \(broken.url("/gone"))  HTTP 404"))
        let dead = try logbook(
            "query", "--db", path, "--format", "csv", "SELECT url, status, found_on, line FROM dead_links")
        #expect(dead.stdout == "url,status,found_on,line\r\n\(broken.url("/gone")),404,\(broken.url("/")),1\r\n")
    }

    @Test(arguments: [
        (["ftp://example.com/"], "is not an http or https URL"),
        (["http://127.0.0.1:1/", "--workers", "0"], "'--workers <workers>': must be a whole number from 1 to 1024"),
        (["http://127.0.0.1:1/", "--exclude", "(unclosed"], "is not a regular expression"),
    ])
    func badStartsAreRefused(arguments: [String], message: String) throws {
        let result = try runProcess(builtProduct("logbook"), ["crawl", "--db", path] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
