import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore
import LogbookTestSupport
import Testing

/// A crawl that failed before its start URL was committed (a disk full
/// right after the run's row) has an empty frontier: `resume` seeds the
/// start URL again instead of reporting a completed crawl of nothing.
@Suite struct ResumeUnseededCrawlTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    @Test func aFailedCrawlWithNoURLsResumesFromItsStartURL() throws {
        let server = try TestHTTPServer { _, path in
            path == "/" ? .html("<a href=\"/a\">a</a>") : .html("page \(path)")
        }
        let config = try Crawl.prepare(CrawlConfig(start: server.url("/"))).config
        let recorder = try Recorder(path: path)
        let run = try recorder.start(try StartRun(kind: .crawl, settings: config))
        try recorder.send(UpdateRun(id: run, status: .failed, summary: "failed: the disk is full"))
        try recorder.close()
        #expect(try committedRows(in: path, table: "urls") == 0)

        let resumed = try logbook("resume", "--db", path, "--quiet")
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("2 pages"), "\(resumed.stdout)")
        #expect(server.requestCount("/a") == 1)
        #expect(try Connection(path: path, mode: .readOnly).runs().map(\.status) == [.completed])
    }
}
