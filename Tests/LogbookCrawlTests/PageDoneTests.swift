import Foundation
@testable import LogbookCrawl
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct PageDoneTests {
    /// Two processes (or a resume after a lost claim) may both fetch a page:
    /// recording it again replaces its links rather than adding them twice.
    @Test func aPageRecordedTwiceKeepsOneSetOfLinks() throws {
        let folder = TemporaryDirectory()
        let recorder = try Recorder(path: folder.database)
        let runID = try recorder.ask(StartRun(kind: .crawl, config: "{}"))
        try recorder.send(SeedCrawl(runID: runID, url: "http://127.0.0.1/", host: "127.0.0.1"))
        let page = try #require(try recorder.ask(ClaimURLs(runID: runID, limit: 1)).first)
        let links = ["a", "b"].map { name in
            FoundLink(target: .queue(url: "http://127.0.0.1/\(name)", host: "127.0.0.1", sameSite: true),
                      element: "a", attribute: "href", fragment: nil, line: 1)
        }
        let done = PageDone(runID: runID, page: page, outcome: Outcome(outcome: .ok, status: 200), links: links,
                            anchors: [], maxDepth: nil, maxPages: nil)
        try recorder.send(done)
        try recorder.send(done)
        try recorder.close()
        #expect(try committedRows(in: folder.database, table: "links") == 2)
        #expect(try committedRows(in: folder.database, table: "urls") == 3)
    }
}
