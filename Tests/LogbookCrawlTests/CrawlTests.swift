import CrawlSchema
import Foundation
import LogbookStore
import LogbookTestSupport
import Synchronization
import Testing

@testable import LogbookCrawl

/// A site with one of everything that goes wrong, served on loopback.
func faultySite() throws -> TestHTTPServer {
    let busy = RequestCounter()
    return try TestHTTPServer { _, path in
        switch path {
        case "/":
            return .html(
                """
                <html><head><link rel="stylesheet" href="/ok"></head><body>
                <a href="/ok">ok</a> <a href="/404">404</a> <a href="/410">410</a> <a href="/500">500</a>
                <a href="/slow">slow</a> <a href="/reset">reset</a> <a href="/big">big</a>
                <a href="/loop">loop</a> <a href="/chain1">chain</a> <a href="/to-file">file</a> <a href="/to-ftp">ftp</a>
                <a href="/malformed">malformed</a> <a href="/latin1">latin1</a> <a href="/many">many</a>
                <a href="/private/secret">secret</a> <a href="/private/open">open</a> <a href="/busy">busy</a>
                <a href="http://nowhere.invalid/">nowhere</a> <a href="www.example.com">looks like an address</a>
                <a href="mailto:someone@example.com">mail</a> <a href="tel:+15555550100">tel</a>
                <a href="javascript:void(0)">js</a> <img src="data:image/png;base64,iVBORw0KGgo=">
                <a href="/ok#section">fragment</a>
                </body></html>
                """)
        case "/ok", "/private/open", "/private/secret", "/caf%C3%A9.html", "/malformed-target":
            return .html("<p>fine</p>")
        case "/404": return .html("gone", status: 404)
        case "/410": return .html("gone for good", status: 410)
        case "/500": return .html("broken", status: 500)
        case "/slow": return TestResponse(body: Array("late".utf8), delay: .seconds(12))
        case "/reset":
            return TestResponse(
                headers: ["Content-Type": "text/html"], body: Array(repeating: 65, count: 10_000),
                resetAfter: 100)
        case "/big":
            return TestResponse(headers: ["Content-Type": "text/html"], body: Array(repeating: 66, count: 2 << 20))
        case "/loop": return .redirect(to: "/loop")
        case "/chain1": return .redirect(to: "/chain2", status: 301)
        case "/chain2": return .redirect(to: "/chain3", status: 307)
        case "/chain3": return .redirect(to: "/ok")
        case "/to-file": return .redirect(to: "file:///etc/passwd")
        case "/to-ftp": return .redirect(to: "ftp://127.0.0.1/file")
        case "/malformed":
            return .html(
                "<html><body><div><a href='/ok'>x<table><tr><td><a href=/malformed-target>y</p></span>"
                    + "<a href=\"/404\"<<<>>> <b><i></b></i> &bogus; <a href=\"/410\">")
        case "/latin1":
            // "café" in ISO-8859-1: é is the single byte 0xE9.
            return TestResponse(
                headers: ["Content-Type": "text/html; charset=iso-8859-1"],
                body: Array("<a href=\"caf".utf8) + [0xE9] + Array(".html\">caf".utf8) + [0xE9, 0x3C, 0x2F, 0x61, 0x3E])
        case "/many":
            return .html((0..<2000).map { "<a href=\"/n/\($0)\">\($0)</a>" }.joined(separator: "\n"))
        case _ where path.hasPrefix("/n/"):
            return .html("<p>\(path)</p>")
        case "/robots.txt":
            return TestResponse(
                headers: ["Content-Type": "text/plain"],
                body: Array("User-agent: *\nDisallow: /private/\nAllow: /private/open\n".utf8))
        case "/busy":
            return busy.next() == 1 ? TestResponse(status: 429, headers: ["Retry-After": "1"]) : .html("<p>now</p>")
        default:
            return .html("not here", status: 404)
        }
    }
}

/// Counts requests across the server's threads.
final class RequestCounter: Sendable {
    private let count = Atomic<Int>(0)
    func next() -> Int { count.add(1, ordering: .relaxed).newValue }
}

@Suite struct CrawlTests {
    let folder = TemporaryDirectory()

    @Test func everyFaultEndsInItsExactOutcome() throws {
        let server = try faultySite()
        let (path, summary) = try crawl(server.url("/"), in: folder)
        let record = try CrawlRecord(run: summary.runID, in: path)
        let site = server.url("")
        let many = (0..<2000).map { "\(site)/n/\($0)" }

        #expect(
            record.urls("ok")
                == Set(
                    [
                        "/", "/ok", "/chain1", "/malformed", "/malformed-target", "/latin1", "/caf%C3%A9.html", "/many",
                        "/private/open", "/busy",
                    ].map { site + $0 } + many))
        #expect(record.urls("dead") == Set(["/404", "/410", "/500", "/www.example.com"].map { site + $0 }))
        #expect(
            record.urls("error")
                == Set(["/slow", "/reset", "/big", "/loop"].map { site + $0 } + ["http://nowhere.invalid/"]))
        #expect(record.urls("redirect") == Set(["/to-file", "/to-ftp"].map { site + $0 }))
        #expect(record.urls("robots") == [site + "/private/secret"])
        #expect(
            record.urls("skipped") == [
                "mailto:someone@example.com", "tel:+15555550100", "javascript:void(0)",
                "data:image/png;base64,iVBORw0KGgo=",
            ])
        #expect(record.outcomes.count == 10 + 2000 + 4 + 5 + 2 + 1 + 4)
        #expect(summary.completed)
        #expect(server.requestCount("/busy") == 2, "429 then, after Retry-After, 200")
        #expect(server.requestCount("/500") == 2, "one retry for a 5xx")
        #expect(server.requestCount("/private/secret") == 0, "robots.txt obeyed")
    }

    @Test func outcomesCarryTheirReasons() throws {
        let server = try faultySite()
        let (path, summary) = try crawl(server.url("/"), in: folder)
        let database = try Connection(path: path, mode: .readOnly)
        func field(_ column: String, _ url: String) throws -> SQLValue? {
            try database.scalar(
                """
                SELECT \(column) FROM fetches JOIN urls ON urls.id = fetches.url_id
                WHERE urls.run_id = \(summary.runID) AND urls.url = '\(server.url(url))'
                """)
        }
        #expect(try field("redirects", "/chain1") == .text("[\"/chain2\",\"/chain3\",\"/ok\"]"))
        #expect(try field("final_url", "/chain1") == .text(server.url("/ok")))
        #expect(try field("error", "/big") == .text("response larger than 1048576 bytes"))
        guard case .text(let loop) = try field("error", "/loop") else { throw CancellationError() }
        #expect(loop.lowercased().contains("redirect"))
        guard case .text(let file) = try field("error", "/to-file") else { throw CancellationError() }
        #expect(file.contains("file:///etc/passwd") && file.contains("not followed"))
        guard case .text(let slow) = try field("error", "/slow") else { throw CancellationError() }
        #expect(slow.lowercased().contains("timed out"))
        // A dead link is reported with the page and line that link to it.
        let dead = try findings(.deadLink, of: summary, in: path).filter { $0.url == server.url("/404") }
        #expect(Set(dead.compactMap(\.foundOn)) == [server.url("/"), server.url("/malformed")])
        #expect(dead.first { $0.foundOn == server.url("/") }?.line == 2)
        #expect(try database.scalar("SELECT fragment FROM links WHERE fragment IS NOT NULL") == .text("section"))
    }

    @Test func unreachableHostsAreDeadWithADNSErrorNotRetried() throws {
        let server = try TestHTTPServer { _, _ in
            .html("<a href=\"http://a.invalid/\">a</a><a href=\"https://b.invalid/x\">b</a>")
        }
        let (path, summary) = try crawl(server.url("/"), in: folder)
        let record = try CrawlRecord(run: summary.runID, in: path)
        #expect(record.urls("error") == ["http://a.invalid/", "https://b.invalid/x"])
        #expect(
            try findings(.deadLink, of: summary, in: path).allSatisfy { $0.error?.isEmpty == false },
            "libcurl's words, whatever they are")
        // The class comes from libcurl's code, not from its or the
        // resolver's wording; and a DNS failure is not retried.
        let failure = Fetcher(share: FetchShare(), limits: FetchLimits()).fetch(
            "http://a.invalid/", method: .head, keepBody: false
        ).failure
        #expect(failure == .dns)
        #expect(failure?.isTransient == false)
    }

    @Test func noExternalAndExcludeRecordWithoutFetching() throws {
        let server = try faultySite()
        let (path, summary) = try crawl(server.url("/"), in: folder) { config in
            config.checkExternal = false
            config.exclude = ["/n/", "/slow"]
        }
        let record = try CrawlRecord(run: summary.runID, in: path)
        #expect(record.outcomes["http://nowhere.invalid/"] == "excluded")
        #expect(record.outcomes[server.url("/slow")] == "excluded")
        #expect(record.urls("excluded").count == 2 + 2000)
        #expect(server.requestCount("/slow") == 0)
    }
}

@Suite struct FragmentAndRobotsTests {
    let folder = TemporaryDirectory()

    @Test func checkFragmentsFindsMissingTargetsOnly() throws {
        let server = try TestHTTPServer { _, path in
            path == "/"
                ? .html(
                    "<a href=\"/t#here\">1</a>\n<a href=\"/t#named\">2</a>\n<a href=\"/t#nowhere\">3</a>\n<a href=\"#self\">4</a>"
                )
                : .html("<h1 id=\"here\">x</h1><a name=\"named\"></a>")
        }
        let (path, summary) = try crawl(server.url("/"), in: folder) { $0.checkFragments = true }
        let broken = try findings(.brokenFragment, of: summary, in: path)
        #expect(broken.map(\.url) == [server.url("/t#nowhere"), server.url("/#self")])
        #expect(broken.map(\.line) == [3, 4])
        #expect(summary.brokenFragments == 2)
        #expect(try findings(.deadLink, of: summary, in: path).isEmpty && summary.deadURLs == 0)
        let uncheckedFolder = TemporaryDirectory()
        let unchecked = try crawl(server.url("/"), in: uncheckedFolder)
        #expect(
            try findings(.brokenFragment, of: unchecked.summary, in: unchecked.path).isEmpty,
            "fragments are only checked when asked")
        #expect(unchecked.summary.brokenFragments == 0)
    }

    @Test(arguments: [
        ("/", true), ("/private/x", false), ("/private/open/page", true), ("/public/x.php", false),
        ("/public/x.php?y", true), ("/deep/a/b/secret.txt", false), ("/logbook-only", false),
    ])
    func robotsRulesFollowRFC9309(path: String, allowed: Bool) {
        let robots = """
            User-agent: other
            Disallow: /

            User-agent: *
            Disallow: /private/
            Allow: /private/open
            Disallow: /*.php$
            Disallow: /deep/*/secret # comment

            User-agent: LOGBOOK
            User-agent: else
            Disallow: /logbook-only
            """
        // logbook's own group applies, not *: only /logbook-only is refused.
        #expect(RobotsRules(robots, agent: "logbook").allows(path) == (path != "/logbook-only"))
        #expect(RobotsRules(robots, agent: "somebot").allows(path) == (allowed || path == "/logbook-only"))
    }
}

@Suite struct CrawlLimitTests {
    let folder = TemporaryDirectory()

    /// /p/0 → /p/1 → … → /p/9, a chain: page i is at depth i.
    func chain() throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            let page = Int(path.dropFirst(3)) ?? 0
            return .html(page < 9 ? "<a href=\"/p/\(page + 1)\">next</a>" : "end")
        }
    }

    @Test func maxPagesStopsFollowingAndRecordsTheRestAsExcluded() throws {
        let server = try chain()
        let (path, summary) = try crawl(server.url("/p/0"), in: folder) { $0.maxPages = 4 }
        let record = try CrawlRecord(run: summary.runID, in: path)
        #expect(record.urls("ok") == Set((0..<4).map { server.url("/p/\($0)") }))
        #expect(record.urls("excluded") == [server.url("/p/4")])
        #expect(server.requestCount("/p/4") == 0)
    }

    @Test func maxDepthStopsFollowingBeyondIt() throws {
        let server = try chain()
        let (path, summary) = try crawl(server.url("/p/0"), in: folder) { $0.maxDepth = 2 }
        let record = try CrawlRecord(run: summary.runID, in: path)
        #expect(record.urls("ok") == Set((0...2).map { server.url("/p/\($0)") }))
        #expect(record.urls("excluded") == [server.url("/p/3")])
    }

    @Test func scopeKeepsTheCrawlUnderAPath() throws {
        let server = try TestHTTPServer { _, path in
            .html(path == "/docs/" ? "<a href=\"/docs/a\">a</a><a href=\"/blog/b\">b</a>" : "<a href=\"/docs/\">up</a>")
        }
        let (path, summary) = try crawl(server.url("/docs/"), in: folder) { $0.scope = "/docs/" }
        let record = try CrawlRecord(run: summary.runID, in: path)
        #expect(record.urls("ok").contains(server.url("/blog/b")), "checked, as a link outside the scope")
        #expect(server.requestCount("/blog/b") == 1)
        let database = try Connection(path: path, mode: .readOnly)
        #expect(try database.scalar("SELECT internal FROM urls WHERE url = '\(server.url("/blog/b"))'") == .integer(0))
    }
}
