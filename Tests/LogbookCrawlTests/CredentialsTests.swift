import CrawlSchema
import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@testable import LogbookCrawl

/// A start URL with `user:password@`: the site is crawled with them, other
/// hosts never see them, and no byte of the database holds the password.
@Suite struct CredentialsTests {
    let folder = TemporaryDirectory()
    static let password = "pw-7f3a9c-secret"

    /// A site behind Basic auth: / → /a, /gone (404), /slow → /after, and a
    /// link to `elsewhere`.
    func protectedSite(linkingTo elsewhere: TestHTTPServer) throws -> TestHTTPServer {
        try TestHTTPServer(requiring: ("ann", Self.password)) { _, path in
            switch path {
            case "/":
                .html(
                    "<a href=\"/a\">a</a> <a href=\"/gone\">gone</a> <a href=\"/slow\">slow</a> "
                        + "<a href=\"\(elsewhere.url("/x"))\">elsewhere</a>")
            case "/a", "/after", "/robots.txt": .html("<a href=\"/\">home</a>")
            case "/slow":
                TestResponse(
                    headers: ["Content-Type": "text/html"], body: Array("<a href=\"/after\">next</a>".utf8),
                    delay: .milliseconds(600))
            default: .html("gone", status: 404)
            }
        }
    }

    /// Every file in the folder (database, -wal, -shm), as bytes.
    func filesHoldThePassword() throws -> Bool {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { name in
            try contents(of: folder.file(name)).range(of: Data(Self.password.utf8)) != nil
        }
    }

    func withCredentials(_ url: String) -> String {
        url.replacingOccurrences(of: "http://", with: "http://ann:\(Self.password)@")
    }

    @Test func theSiteIsCrawledWithThemAndNothingRecordsOrPrintsThem() throws {
        let elsewhere = try TestHTTPServer { _, _ in .html("<p>open</p>") }
        let site = try protectedSite(linkingTo: elsewhere)
        let result = try logbook("crawl", "--db", folder.database, withCredentials(site.url("/")), "--format", "json")
        #expect(result.status == 1, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(summary?["pages"] as? Int == 5)
        #expect((summary?["dead"] as? [[String: Any]])?.map { $0["url"] as? String } == [site.url("/gone")])
        let record = try CrawlRecord(run: 1, in: folder.database)
        #expect(record.urls("ok") == Set(["/", "/a", "/slow", "/after"].map(site.url) + [elsewhere.url("/x")]))
        #expect(elsewhere.authorizedRequestCount == 0, "credentials go to the start URL's origin only")
        #expect(site.requestCount("/a") == 1, "no 401 first: Basic is sent with the request")
        let runs = try Connection(path: folder.database, mode: .readOnly).runs()
        #expect(try runs.first?.settings(as: CrawlConfig.self).start == site.url("/"), "the same site as without them")
        #expect(!(result.stdout + result.stderr).contains(Self.password))
        #expect(try !filesHoldThePassword())
    }

    @Test func resumeAsksForThemAgain() throws {
        let elsewhere = try TestHTTPServer { _, _ in .html("<p>open</p>") }
        let site = try protectedSite(linkingTo: elsewhere)
        // Stopped at once: /slow is still being fetched, /after not yet found.
        var config = CrawlConfig(start: withCredentials(site.url("/")))
        config.workers = 1
        let recorder = try Recorder(path: folder.database)
        let stopped = try Crawl.start(config, recorder: recorder, hooks: CrawlHooks(shouldStop: { true }))
        try recorder.close()
        #expect(!stopped.completed)

        let refused = try logbook("resume", "--db", folder.database, environment: [:])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("LOGBOOK_CREDENTIALS=user:password"), "\(refused.stderr)")
        #expect(try Connection(path: folder.database, mode: .readOnly).runs().first?.status == .interrupted)

        let resumed = try logbook(
            "resume", "--db", folder.database, "--format", "json",
            environment: ["LOGBOOK_CREDENTIALS": "ann:\(Self.password)"])
        #expect(resumed.status == 1, "\(resumed.stderr)")
        let record = try CrawlRecord(run: 1, in: folder.database)
        #expect(record.urls("ok") == Set(["/", "/a", "/slow", "/after"].map(site.url) + [elsewhere.url("/x")]))
        #expect(record.urls("dead") == [site.url("/gone")])
        #expect(try !filesHoldThePassword())
    }

    @Test func aStartURLLongerThanMaxURLLengthIsRefused() throws {
        let result = try logbook(
            "crawl", "--db", folder.database, "--max-url-length", "30",
            "http://127.0.0.1:1/" + String(repeating: "a", count: 20))
        #expect(result.status == 2)
        #expect(result.stderr.contains("39 bytes long, longer than --max-url-length 30"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.database))
    }
}
