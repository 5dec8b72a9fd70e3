import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `crawl ./public --base-url URL`: a build folder read in place of its
/// server, against a real server that serves the same folder.
@Suite struct FolderCrawlTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }
    var docs: String { folder.file("www/docs") }

    /// A small built site under www/docs/, with known dead links, and a
    /// secret beside it, which a symbolic link in the folder reaches (followed, as servers follow them) and no `..` does.
    func build(externalOK: String, externalDead: String) throws {
        let files = [
            "index.html": """
            <a href="guide/">guide</a>
            <a href="guide">guide, no slash</a>
            <a href="about">about, a pretty URL</a>
            <a href="missing.html">missing</a>
            <img src="img/logo.png"><img src="img/gone.png">
            <a href="\(externalOK)">elsewhere</a>
            <a href="\(externalDead)">elsewhere, gone</a>
            <a href="/blog/">the deployed blog, outside the folder's URL</a>
            """,
            "guide/index.html": "<a href=\"../\">home</a>\n<a href=\"intro.html?x=1\">intro</a>",
            "guide/intro.html": "<a href=\"../%2e%2e/secret.txt\">up</a>\n<a href=\"../link/secret.txt\">out</a>",
            "about.html": "<p>about</p>",
            "img/logo.png": "PNG",
        ]
        for (name, text) in files {
            let file = docs + "/" + name
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        try "secret".write(toFile: folder.file("www/secret.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: docs + "/link", withDestinationPath: folder.file("www"))
    }

    /// Serves www/ as a static server does: a folder's index.html, a folder
    /// without its slash redirected, 404 otherwise.
    func serve(_ root: String) throws -> TestHTTPServer {
        try TestHTTPServer { _, path in
            var file = root + (path.prefix { $0 != "?" }.removingPercentEncoding ?? "")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), isFolder.boolValue {
                guard file.hasSuffix("/") else { return .redirect(to: path + "/", status: 301) }
                file += "index.html"
            }
            guard !path.contains(".."), let data = FileManager.default.contents(atPath: file) else {
                return .html("not found", status: 404)
            }
            return TestResponse(
                headers: ["Content-Type": file.hasSuffix(".html") ? "text/html" : "image/png"], body: Array(data))
        }
    }

    func deadLinks(run: Int64) throws -> Set<String> {
        Set(
            try Connection(path: path, mode: .readOnly).prepare(
                "SELECT url || ' on ' || coalesce(found_on, '-') || ':' || coalesce(line, 0) FROM dead_links WHERE run_id = ?"
            ).bound(run).column(String.self))
    }

    @Test func aFolderCrawlRecordsTheSitesURLsAndFindsWhatTheServedCrawlFinds() throws {
        let elsewhere = try TestHTTPServer { _, path in path == "/ok" ? .html("ok") : .html("gone", status: 404) }
        try build(externalOK: elsewhere.url("/ok"), externalDead: elsewhere.url("/gone"))
        let server = try serve(folder.file("www"))
        let base = server.url("/docs/")

        let fromFolder = try logbook("crawl", docs, "--base-url", base, "--db", path, "--quiet", "--retries", "0")
        #expect(fromFolder.status == 1, "\(fromFolder.stderr)")
        // The folder's pages were read from disk: the server saw only the link outside the folder's URL.
        #expect(server.requestCount("/docs/") == 0)
        #expect(server.requestCount("/blog/") >= 1)
        #expect(elsewhere.requestCount("/ok") == 1)
        let expected: Set<String> = [
            "\(base)missing.html on \(base):4", "\(base)img/gone.png on \(base):5",
            "\(elsewhere.url("/gone")) on \(base):7", "\(server.url("/blog/")) on \(base):8",
            "\(base)%2E%2E/secret.txt on \(base)guide/intro.html?x=1:1",
        ]
        let found = try deadLinks(run: 1)
        #expect(found == expected, "\(found.subtracting(expected)) found, \(expected.subtracting(found)) not")
        let record = try CrawlRecord(run: 1, in: path)
        // The symbolic link in the folder is followed, as a static server follows it.
        #expect(
            record.urls("ok").isSuperset(of: [
                base + "about", base + "guide", base + "img/logo.png", base + "link/secret.txt",
            ]))

        let served = try logbook("crawl", base, "--scope", "/docs/", "--db", path, "--quiet", "--retries", "0")
        #expect(served.status == 1, "\(served.stderr)")
        #expect(server.requestCount("/docs/") == 1)
        // The server, like nginx without try_files, has no pretty URL /docs/about; and it reads
        // www/secret.txt, beside the folder, for /docs/%2E%2E/secret.txt, which the folder crawl never does.
        let servedFound = try deadLinks(run: 2)
        let servedExpected = expected.union(["\(base)about on \(base):3"]).filter { !$0.contains("secret.txt") }
        #expect(servedFound == servedExpected, "\(servedFound.symmetricDifference(servedExpected))")
        #expect(Set(try CrawlRecord(run: 2, in: path).outcomes.keys) == Set(record.outcomes.keys))
        let diff = try logbook("diff", "1", "2", "--db", path)
        #expect(diff.status == 1, "the pretty URL broke: \(diff.stdout)")
        #expect(diff.stdout.contains("\(base)about"))
        // A missing file is dead as the server says it is: not a change.
        #expect(!diff.stdout.contains("missing.html"), "\(diff.stdout)")
    }

    @Test func reportsOfAFolderCrawlLocateFindingsInThePagesFiles() throws {
        let elsewhere = try TestHTTPServer { _, path in path == "/ok" ? .html("ok") : .html("gone", status: 404) }
        try build(externalOK: elsewhere.url("/ok"), externalDead: elsewhere.url("/gone"))
        let base = "https://example.org/docs/"
        // Run where a CI job runs, at the repository's root: the folder's files are located relative to it.
        let sarif = try logbook(
            "crawl", "www/docs", "--base-url", base, "--db", path, "--quiet", "--retries", "0", "--format", "sarif",
            in: folder.path)
        #expect(sarif.status == 1, "\(sarif.stderr)")
        let log = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any]
        let results = ((log?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let uris = Set(
            results.compactMap {
                (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
                    .flatMap { $0["artifactLocation"] as? [String: Any] }?["uri"] as? String
            })
        #expect(uris == ["www/docs/index.html", "www/docs/guide/intro.html"])
        let github = try logbook("links", "--db", path, "--format", "github", in: folder.path)
        #expect(github.stdout.contains("::error file=www/docs/index.html,line=4,"), "\(github.stdout)")
        let junit = try logbook("links", "--db", path, "--format", "junit", in: folder.path)
        #expect(junit.stdout.contains("file=\"www/docs/guide/intro.html\" line=\"1\""), "\(junit.stdout)")
        // Elsewhere, the files are named whole; the run's URLs stay the site's.
        let away = try logbook("links", "--db", path, "--format", "github", in: "/")
        #expect(away.stdout.hasPrefix("::error file=/"), "\(away.stdout)")
        #expect(away.stdout.contains("/www/docs/index.html,line=4,"), "\(away.stdout)")
        #expect(try deadLinks(run: 1).contains("\(base)missing.html on \(base):4"))
    }

    @Test func aFolderWithoutItsURLOrAURLWithoutAFolderIsABadFlag() throws {
        try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
        let noBase = try logbook("crawl", docs, "--db", path)
        #expect(noBase.status == 2)
        #expect(noBase.stderr.contains("--base-url"), "\(noBase.stderr)")
        let notAFolder = try logbook(
            "crawl", folder.file("nowhere"), "--base-url", "https://example.org/", "--db", path)
        #expect(notAFolder.status == 2)
        #expect(notAFolder.stderr.contains("is not a folder"), "\(notAFolder.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path), "a bad flag makes no database")
    }
}
