import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// The end-of-run report streams its findings from the database; what it
/// prints is what it printed when it held them all in memory. The expected
/// outputs below are those of logbook before the change (commit 38fb99e),
/// on the same site, with its address written as SITE.
@Suite struct CrawlReportTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// Dead links from two pages (one URL linked twice from one page),
    /// broken fragments (two on one line), and fragments that exist.
    static func site() throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            switch path {
            case "/":
                .html(
                    """
                    <a href="/gone">gone</a>
                    <a href="/a.html">a</a>
                    <a href="/a.html#missing">a missing</a> <a href="/b.html#nope">b nope</a>
                    <a href="/b.html">b</a>
                    """)
            case "/a.html":
                .html(
                    """
                    <h1 id="here">a</h1><a href="/gone">gone again</a>
                    <a href="/#top">top</a>
                    <a href="/b.html#here">b here</a>
                    <a href="/also-gone">x</a>
                    <a href="/also-gone">y</a>
                    """)
            case "/b.html": .html("<h1 id=\"here\">b</h1><a href=\"/a.html#here\">ok</a>")
            default: .html("not here", status: 404)
            }
        }
    }

    static let text = """
        SITE/
          line 1: SITE/gone  HTTP 404
          line 3: SITE/a.html#missing  no such id or a[name]
          line 3: SITE/b.html#nope  no such id or a[name]
        SITE/a.html
          line 1: SITE/gone  HTTP 404
          line 4: SITE/also-gone  HTTP 404
          line 5: SITE/also-gone  HTTP 404
          line 2: SITE/#top  no such id or a[name]
        run 1: crawl completed in SECONDS s: 5 pages, 5 URLs, 3 ok, 2 dead, 0 redirects not followed, 0 not checked, \
        3 broken fragments

        """

    /// JSONSerialization's output, which escaped every "/".
    static let json = #"""
        {
          "broken_fragments" : [
            {
              "error" : "no such id or a[name]",
              "found_on" : "SITE\/",
              "line" : 3,
              "status" : null,
              "url" : "SITE\/a.html#missing"
            },
            {
              "error" : "no such id or a[name]",
              "found_on" : "SITE\/",
              "line" : 3,
              "status" : null,
              "url" : "SITE\/b.html#nope"
            },
            {
              "error" : "no such id or a[name]",
              "found_on" : "SITE\/a.html",
              "line" : 2,
              "status" : null,
              "url" : "SITE\/#top"
            }
          ],
          "completed" : true,
          "dead" : [
            {
              "error" : "HTTP 404",
              "found_on" : "SITE\/",
              "line" : 1,
              "status" : 404,
              "url" : "SITE\/gone"
            },
            {
              "error" : "HTTP 404",
              "found_on" : "SITE\/a.html",
              "line" : 1,
              "status" : 404,
              "url" : "SITE\/gone"
            },
            {
              "error" : "HTTP 404",
              "found_on" : "SITE\/a.html",
              "line" : 4,
              "status" : 404,
              "url" : "SITE\/also-gone"
            },
            {
              "error" : "HTTP 404",
              "found_on" : "SITE\/a.html",
              "line" : 5,
              "status" : 404,
              "url" : "SITE\/also-gone"
            }
          ],
          "ok" : 3,
          "pages" : 5,
          "run" : 2,
          "seconds" : 0.029619877,
          "urls" : 5
        }

        """#

    /// `text` with the time a run took written as SECONDS.
    static func withoutSeconds(_ text: String) -> String {
        text.replacing(/in \d+\.\d s:/, with: "in SECONDS s:")
    }

    /// Expects `printed` to be valid JSON with the content of `old` (SITE
    /// standing for `site`), but for the seconds, which must be a number.
    static func expectJSON(_ printed: String, equals old: String, site: String) throws {
        func parsed(_ json: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
        var printedObject = try parsed(printed)
        var oldObject = try parsed(old.replacing("SITE", with: site.replacing("/", with: "\\/")))
        #expect(printedObject.removeValue(forKey: "seconds") is Double)
        oldObject["seconds"] = nil
        #expect(NSDictionary(dictionary: printedObject) == NSDictionary(dictionary: oldObject), "\(printed)")
    }

    @Test func textAndJSONReportsAreWhatTheyWere() throws {
        let server = try Self.site()
        let text = try logbook("crawl", "--db", path, "--quiet", "--check-fragments", server.url("/"))
        #expect(text.status == 1, "\(text.stderr)")
        #expect(Self.withoutSeconds(text.stdout) == Self.text.replacing("SITE", with: server.url("")))

        let json = try logbook(
            "crawl", "--db", path, "--quiet", "--check-fragments", "--format", "json", server.url("/"))
        #expect(json.status == 1, "\(json.stderr)")
        try Self.expectJSON(json.stdout, equals: Self.json, site: server.url(""))

        let summaries = try logbook("query", "--db", path, "--format", "csv", "SELECT summary FROM runs ORDER BY id")
        #expect(
            summaries.stdout
                == "summary\r\n" + String(repeating: "\"5 pages, 5 URLs, 2 dead, 3 broken fragments\"\r\n", count: 2))
    }

    @Test func aDeadStartURLIsReportedUnderTheStartURL() throws {
        let server = try Self.site()
        let text = try logbook("crawl", "--db", path, "--quiet", server.url("/gone"))
        #expect(text.status == 1, "\(text.stderr)")
        #expect(
            Self.withoutSeconds(text.stdout) == """
                (the start URL)
                  \(server.url("/gone"))  HTTP 404
                run 1: crawl completed in SECONDS s: 1 pages, 1 URLs, 0 ok, 1 dead, 0 redirects not followed, 0 not checked

                """)
        let json = try logbook("crawl", "--db", path, "--quiet", "--format", "json", server.url("/gone"))
        #expect(json.status == 1, "\(json.stderr)")
        try Self.expectJSON(
            json.stdout,
            equals: #"""
                {
                  "broken_fragments" : [

                  ],
                  "completed" : true,
                  "dead" : [
                    {
                      "error" : "HTTP 404",
                      "found_on" : null,
                      "line" : null,
                      "status" : 404,
                      "url" : "SITE\/gone"
                    }
                  ],
                  "ok" : 0,
                  "pages" : 1,
                  "run" : 2,
                  "seconds" : 0.011282262,
                  "urls" : 1
                }
                """#, site: server.url(""))
    }

    /// Held in memory, as the report once held them, 200,000 dead links
    /// took 110 MB more as text and 480 MB more as JSON. JUnit holds one
    /// page's links at a time (a suite's counts open it): 100 here.
    @Test(arguments: ["text", "json", "junit", "sarif"])
    func aReportOfManyDeadLinksTakesTheMemoryOfOne(format: String) throws {
        let server = try Self.site()
        #expect(try logbook("crawl", "--db", path, "--quiet", server.url("/gone")).status == 1)
        // `resume` of a run whose frontier is empty only prints its report.
        func report() throws -> Int {
            try Connection(path: path, mode: .readWrite).execute("UPDATE runs SET status = 'interrupted'")
            let peak = try logbookPeakMemory(["resume", "--db", path, "--quiet", "--format", format])
            #expect(peak.status == 1)
            return peak.bytes
        }
        let one = try report()
        try Connection(path: path, mode: .readWrite).execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 200000)
            INSERT INTO urls (run_id, url, host, depth, internal, state)
            SELECT 1, '\(server.url("/p/"))' || (i / 100) || '/d' || (i % 100), '127.0.0.1', 1, 1, 'done' FROM n;
            INSERT INTO fetches (url_id, run_id, status, outcome, error)
            SELECT id, 1, 404, 'dead', 'HTTP 404' FROM urls WHERE id > 1;
            INSERT INTO links (run_id, from_url_id, to_url_id, element, attribute, line)
            SELECT 1, 1 + id / 100, id, 'a', 'href', id % 100 FROM urls WHERE id > 1;
            """)
        let many = try report()
        #expect(
            many - one < 16 << 20, "\(format): peak \(one >> 20) MiB for 1 dead link, \(many >> 20) MiB for 200,001")
    }
}
