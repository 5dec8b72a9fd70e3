import CrawlSchema
import Foundation
import LogbookCrawl
import LogbookStore
import LogbookTestSupport
import Testing

/// Where a crawl starts: several URLs, sitemaps (indexes, gzip, loops),
/// a list from a file or standard input, and `--max-urls`.
@Suite struct StartURLsTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// URL → outcome (and error, for excluded ones) and whether it is of the site.
    func recorded(_ database: String? = nil) throws -> [String: String] {
        let rows = try Connection(path: database ?? path, mode: .readOnly).prepare(
            """
            SELECT u.url, u.internal, u.depth, coalesce(f.outcome, u.state), coalesce(f.error, '')
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id
            """)
        var found: [String: String] = [:]
        while try rows.step() {
            let error = rows.text(4).map { $0.isEmpty ? "" : " (\($0))" } ?? ""
            found[rows.text(0) ?? ""] =
                "\(rows.int64(1) == 1 ? "page" : "link") \(rows.int64(2)) \(rows.text(3) ?? "")\(error)"
        }
        return found
    }

    /// The gzip of `text`, made by the system's gzip.
    func gzipped(_ text: String) throws -> [UInt8] {
        let file = folder.file("sitemap-\(UUID().uuidString).xml")
        try Data(text.utf8).write(to: URL(filePath: file))
        #expect(try runProcess("/usr/bin/env", ["gzip", file]).status == 0)
        return Array(try Data(contentsOf: URL(filePath: file + ".gz")))
    }

    static func urlset(_ urls: [String]) -> String {
        "<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            + urls.map { "  <url><loc>\($0)</loc></url>\n" }.joined() + "</urlset>\n"
    }

    static func index(_ urls: [String]) -> String {
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            + urls.map { "  <sitemap><loc>\($0)</loc></sitemap>\n" }.joined() + "</sitemapindex>\n"
    }

    static func xml(_ text: String) -> TestResponse {
        TestResponse(headers: ["Content-Type": "application/xml"], body: Array(text.utf8))
    }

    /// Each start URL's origin is of the site: both sites are crawled, a
    /// link between them followed, a third site only checked. The first
    /// start URL's credentials go to its origin only.
    @Test func twoStartURLsOnTwoServersAreBothCrawled() throws {
        let elsewhere = try TestHTTPServer { _, path in .html("elsewhere \(path)") }
        let second = try TestHTTPServer { _, path in
            path == "/"
                ? .html("<a href=\"/b1\">b1</a>")
                : .html("<a href=\"/gone\">x</a>", status: path == "/gone" ? 404 : 200)
        }
        let first = try TestHTTPServer(requiring: ("u", "p")) { _, path in
            path == "/"
                ? .html(
                    "<a href=\"/a1\">a1</a> <a href=\"\(second.url("/b2"))\">b2</a> <a href=\"\(elsewhere.url("/e"))\">e</a>"
                )
                : .html("a page")
        }
        let (database, summary) = try crawl("http://u:p@127.0.0.1:\(first.port)/", in: folder) {
            $0.moreStarts = [second.url("/")]
        }
        #expect(
            try recorded(database) == [
                first.url("/"): "page 0 ok", first.url("/a1"): "page 1 ok",
                second.url("/"): "page 0 ok", second.url("/b1"): "page 1 ok", second.url("/b2"): "page 1 ok",
                second.url("/gone"): "page 2 dead (HTTP 404)", elsewhere.url("/e"): "link 1 ok",
            ])
        #expect(summary.deadURLs == 1)
        #expect(elsewhere.requestCount("/e") == 1, "checked once (HEAD)")
        #expect(second.requestCount("/robots.txt") == 1, "each origin's robots.txt is read")
        #expect(first.authorizedRequestCount == 3, "/robots.txt, / and /a1")
        #expect(second.authorizedRequestCount == 0 && elsewhere.authorizedRequestCount == 0)
        let config = try Connection(path: database, mode: .readOnly).runs()[0].crawlConfig()
        #expect(config.start == first.url("/"))
        #expect(config.moreStarts == [second.url("/")])
        #expect(config.origins == ["http://127.0.0.1:\(second.port)"])
    }

    /// Start URLs beyond --max-pages or --max-urls are recorded as excluded,
    /// as pages found beyond them are.
    @Test(arguments: ["--max-pages", "--max-urls"])
    func startURLsBeyondTheLimitsAreExcluded(flag: String) throws {
        let server = try TestHTTPServer { _, path in .html("page \(path)") }
        let (database, _) = try crawl(server.url("/a"), in: folder) {
            $0.moreStarts = [server.url("/b"), server.url("/a"), server.url("/c")]
            if flag == "--max-pages" { $0.maxPages = 2 } else { $0.maxURLs = 2 }
        }
        #expect(
            try recorded(database) == [
                server.url("/a"): "page 0 ok", server.url("/b"): "page 0 ok",
                server.url("/c"): "link 0 excluded (beyond \(flag) 2)",
            ])
        #expect(server.requestCount("/c") == 0)
    }

    /// A sitemap index lists a plain sitemap and a gzipped one (served as a
    /// file, without Content-Encoding, as a .xml.gz is); their URLs start
    /// the crawl. Relative locations are read against the sitemap.
    @Test func aSitemapIndexOfAPlainAndAGzippedSitemapGivesTheStartURLs() throws {
        let compressed = try gzipped(Self.urlset(["three", "/one"]))
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/index.xml": Self.xml(Self.index(["/plain.xml", "pages.xml.gz"]))
            case "/plain.xml": Self.xml(Self.urlset(["/one", "/two"]))
            case "/pages.xml.gz": TestResponse(headers: ["Content-Type": "application/gzip"], body: compressed)
            case "/one": .html("<a href=\"/linked\">linked</a>")
            default: .html("page")
            }
        }
        let (database, _) = try crawl("", in: folder) { $0.sitemaps = [server.url("/index.xml")] }
        #expect(
            try recorded(database) == [
                server.url("/one"): "page 0 ok", server.url("/two"): "page 0 ok", server.url("/linked"): "page 1 ok",
                server.url("/three"): "page 0 ok",
            ])
        #expect(server.requestCount("/index.xml") == 1 && server.requestCount("/pages.xml.gz") == 1)
        let config = try Connection(path: database, mode: .readOnly).runs()[0].crawlConfig()
        #expect(config.start == server.url("/one"), "the first start URL listed")
        #expect(config.sitemaps == [server.url("/index.xml")])
    }

    /// A gzipped sitemap of several gzip members (`cat a.gz b.gz`, pigz) is
    /// read whole, and --max-bytes bounds all the members together.
    @Test func aGzippedSitemapOfSeveralMembersIsReadWhole() throws {
        let sitemap = Self.urlset(["/one", "/two", "/three"])
        let half = sitemap.index(sitemap.startIndex, offsetBy: sitemap.count / 2)
        let members = try gzipped(String(sitemap[..<half])) + gzipped(String(sitemap[half...]))
        let padding = String(repeating: "<!-- padding -->", count: 2_000)
        let large = try gzipped(padding + sitemap) + gzipped(padding)
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/members.xml.gz": TestResponse(headers: ["Content-Type": "application/gzip"], body: members)
            case "/large.xml.gz": TestResponse(headers: ["Content-Type": "application/gzip"], body: large)
            default: .html("page")
            }
        }
        let read = try logbook("crawl", "--db", path, "--quiet", "--sitemap", server.url("/members.xml.gz"))
        #expect(read.status == 0, "\(read.stderr)")
        #expect(
            try recorded() == [
                server.url("/one"): "page 0 ok", server.url("/two"): "page 0 ok", server.url("/three"): "page 0 ok",
            ])
        let bounded = try logbook(
            "crawl", "--db", folder.file("large.sqlite"), "--sitemap", server.url("/large.xml.gz"), "--max-bytes",
            "50000")
        #expect(bounded.status == 2)
        #expect(bounded.stderr.contains("is not a sitemap: larger than 50000 bytes decompressed"), "\(bounded.stderr)")
    }

    /// A sitemap lists its own origin's pages only (sitemaps.org): a
    /// location or a listed sitemap on another origin is left out, said once
    /// on stderr, so a sitemap cannot make the crawl follow another host.
    @Test func sitemapLocationsOnAnotherOriginAreLeftOut() throws {
        let other = try TestHTTPServer { _, path in
            path == "/more.xml" ? Self.xml(Self.urlset(["/b1"])) : .html("<a href=\"/b2\">b2</a>")
        }
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/index.xml": Self.xml(Self.index(["/pages.xml", other.url("/more.xml")]))
            case "/pages.xml": Self.xml(Self.urlset(["/a", other.url("/b"), other.url("/b3")]))
            default: .html("<a href=\"\(other.url("/b"))\">b</a>")
            }
        }
        let result = try logbook("crawl", "--db", path, "--quiet", "--sitemap", server.url("/index.xml"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr
                == """
                logbook: left out 3 sitemap locations on another origin than their sitemap's (a sitemap lists its own \
                site only): the first, \(other.url("/b")), in \(server.url("/pages.xml"))

                """)
        #expect(try recorded() == [server.url("/a"): "page 0 ok", other.url("/b"): "link 1 ok"], "b only checked")
        #expect(other.requestCount("/more.xml") == 0 && other.requestCount("/b3") == 0)
        let config = try Connection(path: path, mode: .readOnly).runs()[0].crawlConfig()
        #expect(config.origins == nil, "the sitemap's origin alone is the site")
    }

    /// A loop of sitemap indexes reads each once; an endless chain of them
    /// stops at the nesting bound with an error naming the index.
    @Test func indexesThatLoopEndAndAnEndlessChainIsRefused() throws {
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/a.xml": Self.xml(Self.index(["/b.xml"]))
            case "/b.xml": Self.xml(Self.index(["/a.xml", "/pages.xml"]))
            case "/pages.xml": Self.xml(Self.urlset(["/"]))
            case _ where path.hasPrefix("/chain/"):
                Self.xml(Self.index(["/chain/\((Int(path.dropFirst(7).prefix { $0.isNumber }) ?? 0) + 1).xml"]))
            default: .html("home")
            }
        }
        let looped = try logbook("crawl", "--db", path, "--quiet", "--sitemap", server.url("/a.xml"))
        #expect(looped.status == 0, "\(looped.stderr)")
        #expect(looped.stdout.contains("1 pages, 1 URLs"), "\(looped.stdout)")
        #expect(server.requestCount("/a.xml") == 1 && server.requestCount("/b.xml") == 1)

        let chain = folder.file("chain.sqlite")
        let endless = try logbook("crawl", "--db", chain, "--sitemap", server.url("/chain/1.xml"))
        #expect(endless.status == 2)
        #expect(
            endless.stderr.contains(
                "sitemap index \(server.url("/chain/4.xml")) lists \(server.url("/chain/5.xml")): sitemap indexes nested deeper than 4"
            ), "\(endless.stderr)")
        #expect(server.requestCount("/chain/5.xml") == 0)
        #expect(!FileManager.default.fileExists(atPath: chain), "no run, no file")
    }

    /// A sitemap that is not one exits 2 naming it and libxml2's words; one
    /// that cannot be fetched exits 3; one that decompresses beyond
    /// --max-bytes is refused. None leaves a run.
    @Test func aBadSitemapIsRefusedNamingItAndStartsNoRun() throws {
        let bomb = try gzipped(String(repeating: "<!-- padding -->", count: 10_000))
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/broken.xml": Self.xml("<urlset><url><loc>http://x/</loc></url>\n<url>")
            case "/html.xml": .html("<html><body>not found</body></html>")
            case "/big.xml.gz": TestResponse(headers: ["Content-Type": "application/gzip"], body: bomb)
            case "/cut.xml.gz":
                TestResponse(headers: ["Content-Type": "application/gzip"], body: Array(bomb.prefix(40)))
            case "/bad-loc.xml": Self.xml(Self.urlset(["ftp://example.org/file"]))
            default: .html("gone", status: 404)
            }
        }
        let cases: [(String, [String], Int32, String)] = [
            ("/broken.xml", [], 2, "sitemap \(server.url("/broken.xml")) is not a sitemap: line 2: "),
            ("/html.xml", [], 2, "is not a sitemap: the root element is <html>, not <urlset> or <sitemapindex>"),
            ("/big.xml.gz", ["--max-bytes", "50000"], 2, "is not a sitemap: larger than 50000 bytes decompressed"),
            (
                "/bad-loc.xml", [], 2,
                "sitemap \(server.url("/bad-loc.xml")): ftp://example.org/file is not an http or https URL"
            ),
            ("/missing.xml", [], 3, "sitemap \(server.url("/missing.xml")) cannot be fetched: HTTP 404"),
        ]
        for (sitemap, flags, status, message) in cases {
            let result = try runProcess(
                builtProduct("logbook"), ["crawl", "--db", path, "--sitemap", server.url(sitemap)] + flags)
            #expect(result.status == status, "\(sitemap): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(sitemap): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path), "\(sitemap) started no run")
        }
    }

    /// --urls-from reads a file or standard input: one URL a line, blank
    /// lines and comments left out; a bad line is refused naming the file
    /// and line.
    @Test func urlsFromAFileAndFromStandardInput() throws {
        let server = try TestHTTPServer { _, path in
            .html(path == "/gone" ? "" : "page", status: path == "/gone" ? 404 : 200)
        }
        let list = "# pages to check\n\n\(server.url("/a"))\r\n  \(server.url("/gone"))  \n# end\n"
        let file = folder.file("urls.txt")
        try Data(list.utf8).write(to: URL(filePath: file))
        let fromFile = try logbook("crawl", "--db", path, "--urls-from", file, "--quiet")
        #expect(fromFile.status == 1, "\(fromFile.stderr)")
        #expect(fromFile.stdout.contains("(the start URL)\n  \(server.url("/gone"))  HTTP 404"), "\(fromFile.stdout)")
        #expect(try recorded() == [server.url("/a"): "page 0 ok", server.url("/gone"): "page 0 dead (HTTP 404)"])

        let stdin = folder.file("stdin.sqlite")
        let fromInput = try runProcess(
            builtProduct("logbook"), ["crawl", "--db", stdin, server.url("/b"), "--urls-from", "-", "--quiet"],
            input: list)
        #expect(fromInput.status == 1, "\(fromInput.stderr)")
        #expect(try recorded(stdin).keys.sorted() == [server.url("/a"), server.url("/b"), server.url("/gone")])
        #expect(try Connection(path: stdin, mode: .readOnly).runs()[0].crawlConfig().urlsFrom == "-")

        let bad = folder.file("bad.txt")
        try Data("\(server.url("/a"))\n# fine\nftp://example.org/file\n".utf8).write(to: URL(filePath: bad))
        let refused = try logbook("crawl", "--db", folder.file("bad.sqlite"), "--urls-from", bad)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("--urls-from \(bad) line 3: ftp://example.org/file is not an http or https URL"),
            "\(refused.stderr)")
        let missing = try logbook("crawl", "--db", folder.file("bad.sqlite"), "--urls-from", folder.file("none.txt"))
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("--urls-from \(folder.file("none.txt")) cannot be read: No such file"),
            "\(missing.stderr)")
        let notAFile = try logbook("crawl", "--db", folder.file("bad.sqlite"), "--urls-from", folder.path)
        #expect(notAFile.status == 2)
        #expect(notAFile.stderr.contains("--urls-from \(folder.path) is a folder\n"), "\(notAFile.stderr)")
        let nothing = try logbook("crawl", "--db", folder.file("bad.sqlite"))
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("there is no start URL"), "\(nothing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("bad.sqlite")))
    }

    /// A control character (NUL, CR, LF, tab…) in a start URL, wherever it
    /// comes from, is refused naming where and showing the character
    /// escaped: libcurl would read the URL up to a NUL and fetch another.
    @Test func aStartURLHoldingAControlCharacterIsRefusedWhereverItComesFrom() throws {
        let server = try TestHTTPServer { _, path in
            path == "/cr.xml" ? Self.xml(Self.urlset(["/ok", "/a&#13;b"])) : .html("page")
        }
        let list = folder.file("nul.txt")
        try Data("\(server.url("/ok"))\n\(server.url("/a"))\u{0}b\n".utf8).write(to: URL(filePath: list))
        let cases: [([String], String)] = [
            (["--urls-from", list], "--urls-from \(list) line 2: \(server.url("/a"))\\0b"),
            ([server.url("/ok"), server.url("/a") + "\tb"], "\(server.url("/a"))\\tb"),
            (["--sitemap", server.url("/cr.xml")], "sitemap \(server.url("/cr.xml")): /a\\rb"),
            (["--sitemap", server.url("/x") + "\u{1B}[31m"], "--sitemap: \(server.url("/x"))\\u{1B}[31m"),
        ]
        for (arguments, shown) in cases {
            let result = try runProcess(builtProduct("logbook"), ["crawl", "--db", path, "--quiet"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.contains("\(shown) is not a valid URL: it holds a control character"),
                "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path), "\(arguments) started no run")
        }
        #expect(server.requestCount("/a") == 0 && server.requestCount("/ok") == 0)
    }

    /// --urls-from is read a line at a time: a line longer than
    /// --max-url-length is refused as soon as it is read, quoting its first
    /// 100 characters, so one line of 256 MB (NULs, a sparse file) needs no
    /// more memory than a short list; a comment of any length is skipped.
    @Test func aListIsReadALineAtATimeAndALongLineIsRefusedAsSoonAsRead() throws {
        let zeros = folder.file("zeros.txt")
        #expect(FileManager.default.createFile(atPath: zeros, contents: nil))
        try FileHandle(forWritingTo: URL(filePath: zeros)).truncate(atOffset: 256 << 20)
        let peak = try logbookPeakMemory(["crawl", "--db", path, "--urls-from", zeros])
        #expect(peak.status == 2)
        #expect(peak.bytes < 64 << 20, "peak \(peak.bytes) bytes")
        let endless = try logbook("crawl", "--db", path, "--urls-from", zeros)
        #expect(
            endless.stderr
                == "logbook: --urls-from \(zeros) line 1: the line is longer than --max-url-length 2048: "
                + String(repeating: "\\0", count: 100) + "…\n")

        let long = "http://127.0.0.1:1/" + String(repeating: "a", count: 5_000_000)
        let list =
            "# \(String(repeating: "c", count: 10_000))\r\nhttp://127.0.0.1:1/a\r\n\(long)\nhttp://127.0.0.1:1/b\n"
        let file = folder.file("long.txt")
        try Data(list.utf8).write(to: URL(filePath: file))
        let result = try logbook("crawl", "--db", path, "--urls-from", file, "--max-url-length", "4096")
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "logbook: --urls-from \(file) line 3: the line is longer than --max-url-length 4096: "
                + long.prefix(100) + "…\n")
        #expect(!FileManager.default.fileExists(atPath: path), "no run")
    }

    /// A list or sitemaps that give no start URL say which, rather than
    /// asking for the very flags given.
    @Test func sitemapsAndListsGivingNoStartURLSaySo() throws {
        let server = try TestHTTPServer { _, path in
            switch path {
            case "/empty.xml": Self.xml(Self.urlset([]))
            case "/a.xml": Self.xml(Self.index(["/b.xml"]))
            case "/b.xml": Self.xml(Self.index(["/a.xml", "/empty.xml"]))
            default: .html("page")
            }
        }
        let (empty, loop) = (server.url("/empty.xml"), server.url("/a.xml"))
        let cases: [([String], String)] = [
            (["--sitemap", empty], "--sitemap \(empty) lists no page (nor do the sitemaps it lists)"),
            (["--sitemap", loop], "--sitemap \(loop) lists no page (nor do the sitemaps it lists)"),
            (["--urls-from", "-"], "--urls-from standard input holds no URL"),
            (
                ["--urls-from", "-", "--sitemap", empty],
                "--urls-from standard input holds no URL; --sitemap \(empty) lists no page"
            ),
            ([], "there is no start URL: give one or more, --urls-from or --sitemap"),
        ]
        for (arguments, message) in cases {
            let result = try runProcess(
                builtProduct("logbook"), ["crawl", "--db", path] + arguments, input: "# nothing yet\n\n")
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path), "\(arguments) started no run")
        }
    }

    /// Credentials go only to the origin they came with: another start URL
    /// holding some is refused rather than stored or sent elsewhere.
    @Test func credentialsInAnyButTheFirstStartURLAreRefused() throws {
        let result = try logbook(
            "crawl", "--db", path, "http://u:one@127.0.0.1:1/", "http://u:SECRET@127.0.0.1:2/")
        #expect(result.status == 2)
        #expect(result.stderr.contains("http://127.0.0.1:2/ holds credentials"), "\(result.stderr)")
        #expect(!result.stderr.contains("SECRET"))
    }

    /// Only the first URL argument may hold credentials, as the README
    /// says: a list's first line, though the first start URL, is refused
    /// saying so; LOGBOOK_CREDENTIALS serves it, sent to its origin alone.
    @Test func onlyTheFirstURLArgumentMayHoldCredentials() throws {
        let other = try TestHTTPServer { _, path in .html("other \(path)") }
        let server = try TestHTTPServer(requiring: ("u", "SECRET")) { _, path in
            .html(path == "/" ? "<a href=\"\(other.url("/o"))\">o</a>" : "page")
        }
        let list = folder.file("credentials.txt")
        try Data("http://u:SECRET@127.0.0.1:\(server.port)/\n".utf8).write(to: URL(filePath: list))
        let refused = try logbook("crawl", "--db", path, "--urls-from", list)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains(
                "--urls-from \(list) line 1: \(server.url("/")) holds credentials, which only the first URL argument may hold"
            ), "\(refused.stderr)")
        #expect(!refused.stderr.contains("SECRET"))

        try Data("\(server.url("/"))\n".utf8).write(to: URL(filePath: list))
        let fromEnvironment = try logbook(
            "crawl", "--db", path, "--urls-from", list, "--quiet",
            environment: ProcessInfo.processInfo.environment.merging(["LOGBOOK_CREDENTIALS": "u:SECRET"]) { $1 })
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(try recorded() == [server.url("/"): "page 0 ok", other.url("/o"): "link 1 ok"])
        #expect(server.authorizedRequestCount == 2 && other.authorizedRequestCount == 0, "/robots.txt and /")
    }

    /// --max-urls bounds the URLs fetched or checked, start URLs included;
    /// the rest are recorded as excluded, also when the crawl is killed and
    /// resumed.
    @Test func maxURLsHoldsAcrossAKillAndResume() throws {
        let server = try linkedSite(delay: .milliseconds(60))
        let options = [
            server.url("/"), server.url("/p/300"), "--max-urls", "100", "--workers", "2", "--retries", "0", "--quiet",
        ]
        let child = try ChildProcess(builtProduct("logbook"), ["crawl", "--db", path] + options)
        #expect(waitUntil { (try? committedRows(in: path, table: "fetches")) ?? 0 >= 20 || !child.isRunning })
        child.signal(SIGKILL)
        _ = child.finish()
        #expect(try !crawlCompleted(in: path), "killed part-way")
        let resumed = try logbook("resume", "--db", path, "--quiet")
        #expect([0, 1].contains(resumed.status), "\(resumed.stderr)")
        let found = try recorded()
        let requested = found.values.filter { !$0.contains("excluded") && !$0.contains("skipped") }
        #expect(requested.count == 100)
        #expect(found.values.contains { $0.hasSuffix("excluded (beyond --max-urls 100)") })
        #expect(found[server.url("/p/300")] == "page 0 ok", "every start URL is at depth 0")
    }
}
