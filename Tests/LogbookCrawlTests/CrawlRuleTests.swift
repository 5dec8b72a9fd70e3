import CrawlSchema
import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@testable import LogbookCrawl

/// `--accept` and `--remap`, through the real binary against servers on
/// loopback.
@Suite struct CrawlRuleTests {
    let folder = TemporaryDirectory()

    /// `/` links to a page answering each status below; `/forbidden` is an
    /// HTML error page linking to `/secret`.
    func statusSite() throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            switch path {
            case "/":
                .html(
                    ["/forbidden", "/limited", "/empty", "/gone", "/moved", "/fine"].map { "<a href=\"\($0)\">x</a>" }
                        .joined(separator: "\n"))
            case "/forbidden": .html("<a href=\"/secret\">secret</a>", status: 403)
            case "/limited": .html("slow down", status: 429)
            case "/empty": TestResponse(status: 204)
            case "/moved": TestResponse(status: 302)
            case "/gone": .html("gone", status: 404)
            default: .html("<p>fine</p>")
            }
        }
    }

    func crawl(_ server: TestHTTPServer, _ flags: String...) throws -> CrawlRecord {
        let result = try runProcess(
            builtProduct("logbook"),
            ["crawl", "--db", folder.database, server.url("/"), "--quiet", "--retry-delay", "1"] + flags)
        #expect([0, 1].contains(result.status), "\(result.stderr)")
        return try CrawlRecord(run: 1, in: folder.database)
    }

    @Test func withoutAcceptTwoHundredsAreOkAndFourHundredsDead() throws {
        let server = try statusSite()
        let record = try crawl(server, "--retries", "1")
        #expect(record.outcomes[server.url("/forbidden")] == "dead 403")
        #expect(record.outcomes[server.url("/limited")] == "dead 429")
        #expect(record.outcomes[server.url("/gone")] == "dead 404")
        #expect(record.outcomes[server.url("/empty")] == "ok 204")
        #expect(record.outcomes[server.url("/moved")] == "redirect 302")
        #expect(server.requestCount("/limited") == 2, "a 429 is tried again")
    }

    @Test func acceptedStatusesAreOkAndTheRestDead() throws {
        let server = try statusSite()
        let record = try crawl(server, "--retries", "1", "--accept", "200..=203,403", "--accept", "429")
        #expect(record.outcomes[server.url("/")] == "ok 200")
        #expect(record.outcomes[server.url("/forbidden")] == "ok 403")
        #expect(record.outcomes[server.url("/limited")] == "ok 429")
        #expect(record.outcomes[server.url("/gone")] == "dead 404")
        #expect(record.outcomes[server.url("/empty")] == "dead 204", "a 2xx not accepted is dead")
        #expect(record.outcomes[server.url("/moved")] == "redirect 302", "a 3xx not accepted stays a redirect")
        #expect(server.requestCount("/limited") == 1, "an accepted 429 is an answer, not asked again")
        #expect(record.outcomes[server.url("/secret")] == nil, "an accepted 403 page's links are not followed")
        let stored = try Connection(path: folder.database, mode: .readOnly)
            .prepare("SELECT json_extract(config, '$.accept') FROM runs").scalar(String.self)
        #expect(stored == "200..203,403,429")
    }

    @Test func anAcceptedThreeHundredIsOk() throws {
        let server = try statusSite()
        let record = try crawl(server, "--accept", "200..299,300..399")
        #expect(record.outcomes[server.url("/moved")] == "ok 302")
        #expect(record.outcomes[server.url("/forbidden")] == "dead 403")
    }

    @Test(arguments: ["abc", "300..200", "99", "1000", "200..", "200,,403"])
    func aBadAcceptIsBadUsageNamingIt(spec: String) throws {
        let result = try logbook("crawl", "--db", folder.database, "http://127.0.0.1:9/", "--accept", spec)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("'\(spec)' is invalid for '--accept"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.database))
    }

    @Test(arguments: [
        ("nospace", "with a space"), ("(unclosed http://x/", "not a regular expression"),
        ("^http://x/(.*)$ http://y/$9", "$9 names group 9, and \"^http://x/(.*)$\" has 1"),
        ("^http://x/(?<page>.*)$ http://y/${name}", "$name names no group"),
        ("^http://x/(.*)$ http://y/$1a", "for a group and then text, write ${1}a"),
    ])
    func aBadRemapIsBadUsageNamingIt(rule: String, why: String) throws {
        let result = try logbook("crawl", "--db", folder.database, "http://127.0.0.1:9/", "--remap", rule)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("'\(rule)' is invalid for '--remap") && result.stderr.contains(why))
    }

    /// The site as recorded is production's; every request goes to staging,
    /// which serves it. `/dir` redirects (on staging) to `/dir/`, whose
    /// relative link resolves against the recorded site, and the first
    /// rule that matches `/b.html` sends it to `/elsewhere.html`.
    @Test func remappedRequestsGoToStagingAndTheSiteIsRecordedAsItself() throws {
        let production = try TestHTTPServer(requiring: ("ann", "pw")) { _, _ in .html("production", status: 500) }
        let staging = try TestHTTPServer { _, path in
            switch path {
            case "/":
                .html(
                    """
                    <a href="a.html">a</a> <a href="\(production.url("/b.html"))">b</a> <a href="/dir">dir</a>
                    """)
            case "/dir": .redirect(to: "/dir/")
            case "/dir/": .html("<a href=\"c.html\">c</a>")
            case "/a.html", "/dir/c.html", "/elsewhere.html": .html("<p>staged</p>")
            default: .html("not staged", status: 404)
            }
        }
        let site = production.url("").replacingOccurrences(of: ".", with: "\\.")
        let result = try runProcess(
            builtProduct("logbook"),
            [
                "crawl", "--db", folder.database, production.url("/"), "--quiet",
                "--remap", "^\(site)/b\\.html$ \(staging.url("/elsewhere.html"))",
                "--remap", "^\(site)/(.*)$ \(staging.url("/"))$1",
            ], environment: ["LOGBOOK_CREDENTIALS": "ann:pw"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")

        let record = try CrawlRecord(run: 1, in: folder.database)
        #expect(
            record.outcomes == [
                production.url("/"): "ok 200", production.url("/a.html"): "ok 200",
                production.url("/b.html"): "ok 200", production.url("/dir"): "ok 200",
                production.url("/dir/c.html"): "ok 200",
            ])
        for path in ["/", "/b.html", "/robots.txt"] { #expect(production.requestCount(path) == 0, "\(path)") }
        #expect(staging.requestCount("/robots.txt") == 1)
        #expect(staging.authorizedRequestCount == 0, "credentials for production never go to staging")
        let database = try Connection(path: folder.database, mode: .readOnly)
        func finalURL(_ url: String) throws -> String? {
            try database.prepare(
                "SELECT f.final_url FROM fetches AS f JOIN urls AS u ON u.id = f.url_id WHERE u.url = ?"
            )
            .bound(url).scalar(String.self)
        }
        #expect(try finalURL(production.url("/a.html")) == staging.url("/a.html"))
        #expect(try finalURL(production.url("/b.html")) == staging.url("/elsewhere.html"))
        #expect(try finalURL(production.url("/dir")) == staging.url("/dir/"))
    }

    @Test func replacementsExpandGroupsAsLycheeDoes() throws {
        let remap = try URLRemapper([
            URLRemap(
                pattern: "^https://old\\.example/(?<section>[a-z]+)/(.*)$", replacement: "http://new/$section/${2}x$$"),
            URLRemap(pattern: "o", replacement: "0"),
        ])
        #expect(remap.request(for: "https://old.example/docs/page") == "http://new/docs/pagex$")
        #expect(remap.request(for: "http://foo/") == "http://f00/", "every match of the first matching rule")
        #expect(remap.request(for: "http://bar/") == "http://bar/")
        #expect(
            URLRemapper.siteURL(of: "http://staging:8/x/", requested: "http://staging:8/x", for: "https://site/x")
                == "https://site/x/")
        #expect(
            URLRemapper.siteURL(of: "http://other/y", requested: "http://staging:8/x", for: "https://site/x")
                == "http://other/y")
    }

    /// The regex crate's `replace_all`: an empty match where the previous
    /// match ended is no match; one elsewhere is.
    @Test func anEmptyMatchRightAfterAMatchIsNotReplacedAgain() throws {
        func replaced(_ url: String, _ pattern: String, _ replacement: String) throws -> String {
            try URLRemapper([URLRemap(pattern: pattern, replacement: replacement)]).request(for: url)
        }
        #expect(try replaced("http://a/", ".*", "http://y/") == "http://y/")
        #expect(try replaced("http://b/c", "(.*)", "[$1]") == "[http://b/c]")
        #expect(try replaced("axxbx", "x*", "-") == "-a-b-", "as Regex::new(\"x*\").replace_all(\"axxbx\", \"-\")")
    }

    /// `.* URL` sends every request to URL, once: the start page is ok there.
    @Test func aRuleMatchingTheWholeURLRequestsTheReplacementOnce() throws {
        let production = try TestHTTPServer { _, _ in .html("production", status: 500) }
        let staging = try TestHTTPServer { _, path in
            path == "/page.html" ? .html("<p>staged</p>") : .html("not staged", status: 404)
        }
        let record = try crawl(production, "--ignore-robots", "--remap", ".* \(staging.url("/page.html"))")
        #expect(record.outcomes == [production.url("/"): "ok 200"])
        #expect(production.requestCount("/") == 0)
    }
}
