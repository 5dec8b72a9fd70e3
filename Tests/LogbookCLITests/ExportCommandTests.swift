import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// 40 pages linking to each other with fragments, some of them broken, to
/// images that are missing on every fifth page, and away to a host that
/// does not resolve: every kind of row a crawl records (outcomes, links
/// with elements, attributes, fragments and lines, anchors).
private func anchoredSite(validators: Bool = false) throws -> TestHTTPServer {
    try TestHTTPServer(validators: validators) { _, path in
        guard path.hasPrefix("/p/"), let page = Int(path.dropFirst(3)) else {
            if path == "/" { return .html("<a href=\"/p/0#top\">start</a>") }
            return path.hasPrefix("/img/") && Int(path.dropFirst(5)).map({ $0 % 5 != 0 }) == true
                ? TestResponse(status: 200, headers: ["Content-Type": "image/png"], body: [0x89, 0x50])
                : .html("missing", status: 404)
        }
        let next = (page + 1) % 40, jump = (page * 7 + 3) % 40
        return .html(
            """
            <h1 id="top">page \(page)</h1>
            <a name="s\(page)">section</a>
            <p><a href="/p/\(next)#top">next</a> <a href="/p/\(jump)#s\(jump)">jump</a></p>
            <p><a href="/p/\(jump)#nowhere">broken fragment</a><img src="/img/\(page)"></p>
            \(page % 10 == 0 ? "<a href=\"http://away\(page).invalid/x\">away</a>" : "")
            """)
    }
}

/// A crawl as the commands print it, by URL text (ids differ between
/// files): outcomes, depths and links (`CrawlRecord`), anchors, and what
/// `links` and `crawl_summary` say.
private struct PrintedCrawl: Equatable {
    let record: CrawlRecord
    let anchors: String
    let findings: String
    let summary: String

    init(run: Int64, in path: String) throws {
        record = try CrawlRecord(run: run, in: path)
        let anchors = try logbook(
            "query", "--db", path, "--format", "csv",
            "SELECT u.url, a.name FROM anchors AS a JOIN urls AS u ON u.id = a.url_id WHERE u.run_id = \(run) ORDER BY 1, 2"
        )
        #expect(anchors.status == 0, "\(anchors.stderr)")
        self.anchors = anchors.stdout
        let findings = try logbook("links", "--db", path, "--format", "csv", "\(run)")
        #expect(findings.status == 1, "dead links and broken fragments: \(findings.stderr)")
        self.findings = findings.stdout
        let summary = try logbook(
            "query", "--db", path, "--format", "csv",
            "SELECT urls, pages, queued, ok, dead, redirects_not_followed, not_checked FROM crawl_summary WHERE run_id = \(run)"
        )
        self.summary = summary.stdout
    }
}

/// The runs of `path` as `runs` lists them, without times: id, kind, status, summary.
private func listedRuns(_ path: String) throws -> [String] {
    let result = try logbook(
        "query", "--db", path, "--format", "csv", "SELECT id, kind, status, summary FROM runs ORDER BY id")
    return result.stdout.split(separator: "\r\n").dropFirst().map(String.init)
}

/// `export` from a real PostgreSQL 15: a server per test, as in `PostgresStoreTests`.
@Suite(.serialized) final class ExportFromPostgresTests {
    let server: PostgresServer
    let folder = TemporaryDirectory()

    init() throws { server = try PostgresServer() }

    /// The same site crawled into PostgreSQL and into SQLite; the PostgreSQL
    /// run exported to a new file reads back as the SQLite crawl does.
    @Test func anExportedPostgresCrawlReadsAsTheSameCrawlInSQLite() throws {
        let site = try anchoredSite()
        let url = try server.makeDatabase()
        let crawl = [site.url("/"), "--check-fragments", "--workers", "4", "--retries", "0", "--quiet"]
        let reference = folder.file("reference.sqlite")
        let local = try runProcess(builtProduct("logbook"), ["crawl", "--db", reference] + crawl)
        #expect(local.status == 1, "\(local.stderr)")
        let shared = try runProcess(builtProduct("logbook"), ["crawl", "--db", url] + crawl)
        #expect(shared.status == 1, "\(shared.stderr)")

        let exported = folder.file("exported.sqlite")
        let export = try logbook("export", "1", "--db", url, "--to", exported)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr == "exported run 1 of \(url) as run 1 of \(exported)\n")

        let expected = try PrintedCrawl(run: 1, in: reference)
        let copy = try PrintedCrawl(run: 1, in: exported)
        #expect(copy.record.outcomes == expected.record.outcomes)
        #expect(copy.record.depths == expected.record.depths)
        #expect(copy.record.links == expected.record.links)
        #expect(copy.anchors == expected.anchors)
        #expect(copy.findings == expected.findings)
        #expect(copy.summary == expected.summary)
        // What the crawl found: 40 pages, 8 missing images, 4 unresolvable hosts, anchors on every page.
        #expect(expected.record.urls("ok").count == 1 + 40 + 32)
        #expect(expected.record.urls("dead").count == 8)
        #expect(expected.record.urls("error").count == 4)
        #expect(expected.anchors.split(separator: "\r\n").count == 1 + 80)
        #expect(expected.findings.contains("#nowhere"))
        // The run as it was: kind, status, summary, settings.
        #expect(try listedRuns(exported) == listedRuns(reference))
        // Each page's links in the page's order, as `--reuse` reads them back.
        let inOrder = """
            SELECT f.url, t.url, l.fragment, l.line FROM links AS l
            JOIN urls AS f ON f.id = l.from_url_id JOIN urls AS t ON t.id = l.to_url_id ORDER BY f.url, l.rowid
            """
        #expect(
            try logbook("query", "--db", exported, "--format", "csv", inOrder).stdout
                == logbook("query", "--db", reference, "--format", "csv", inOrder).stdout)
        let settings = "SELECT config FROM runs WHERE id = 1"
        #expect(
            try logbook("query", "--db", exported, settings).stdout
                == logbook("query", "--db", url, settings).stdout)
    }

    /// `diff`, `report` and `plot` read PostgreSQL runs through a copy made
    /// for them (as `export` makes it), say the runs by their own ids, and
    /// leave no copy behind.
    @Test func diffReportAndPlotReadPostgresRunsThroughATemporaryCopy() throws {
        let site = try anchoredSite()
        let url = try server.makeDatabase()
        let crawl = [site.url("/"), "--workers", "3", "--retries", "0", "--quiet"]
        for _ in 0..<2 { _ = try runProcess(builtProduct("logbook"), ["crawl", "--db", url] + crawl) }
        let temporary = FileManager.default.temporaryDirectory.path()
        let before = try FileManager.default.contentsOfDirectory(atPath: temporary).filter {
            $0.hasPrefix("logbook-run-")
        }
        let diff = try logbook("diff", "1", "2", "--db", url)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("run 1 (completed) → run 2 (completed)"), "\(diff.stdout)")
        let html = folder.file("report.html"), svg = folder.file("plot.svg")
        #expect(try logbook("report", "2", "--diff", "1", "--db", url, "--out", html).status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("run 2"))
        #expect(try logbook("plot", "1", "--db", url, "--out", svg).status == 0)
        #expect(
            try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg")
                || String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<?xml"))
        let missing = try logbook("diff", "1", "9", "--db", url)
        #expect(missing.status == 2 && missing.stderr.contains("no run 9"), "\(missing.stderr)")
        let after = try FileManager.default.contentsOfDirectory(atPath: temporary).filter {
            $0.hasPrefix("logbook-run-")
        }
        #expect(after == before, "every temporary copy is removed")
    }

    /// Into a file that holds runs already: the crawl's own SQLite file.
    /// Nothing collides, both runs read back whole, and `diff` finds them equal.
    @Test func anExportBesideAnotherRunKeepsBothWholeAndDiffFindsNoDifference() throws {
        let site = try anchoredSite()
        let url = try server.makeDatabase()
        let crawl = [site.url("/"), "--check-fragments", "--workers", "3", "--retries", "0", "--quiet"]
        let file = folder.file("both.sqlite")
        #expect(try runProcess(builtProduct("logbook"), ["crawl", "--db", file] + crawl).status == 1)
        // A smaller crawl first in PostgreSQL, so the exported run's URL ids
        // start elsewhere than the file's next one: they must be shifted.
        let shallow = try runProcess(builtProduct("logbook"), ["crawl", "--db", url, "--max-depth", "1"] + crawl)
        #expect(shallow.status == 1, "\(shallow.stderr)")
        #expect(try runProcess(builtProduct("logbook"), ["crawl", "--db", url] + crawl).status == 1)
        let before = try PrintedCrawl(run: 1, in: file)

        let export = try logbook("export", "2", "--db", url, "--to", file)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr == "exported run 2 of \(url) as run 2 of \(file)\n")
        #expect(try PrintedCrawl(run: 1, in: file) == before, "the file's own run is untouched")
        let copy = try PrintedCrawl(run: 2, in: file)
        #expect(copy.record == before.record)
        #expect(copy.anchors == before.anchors)
        #expect(copy.summary == before.summary)

        // The copy's URL ids follow the file's: no id is shared, none is reused.
        let ids = try logbook(
            "query", "--db", file, "--format", "csv",
            "SELECT run_id, min(id), max(id), count(*) FROM urls GROUP BY run_id ORDER BY run_id")
        let ranges = ids.stdout.split(separator: "\r\n").dropFirst().map {
            $0.split(separator: ",").compactMap { Int($0) }
        }
        #expect(ranges.count == 2)
        if ranges.count == 2 { #expect(ranges[1][1] == ranges[0][2] + 1, "\(ids.stdout)") }
        let sourceFirst = try Connection(path: url, mode: .readOnly).scalar("SELECT min(id) FROM urls WHERE run_id = 2")
        #expect(ranges.count == 2 && sourceFirst != .integer(Int64(ranges[1][1])), "the ids were shifted")
        // Every link and anchor of the copy points at URLs of the copy.
        let strays = try logbook(
            "query", "--db", file,
            """
            SELECT (SELECT count(*) FROM links AS l JOIN urls AS f ON f.id = l.from_url_id JOIN urls AS t ON t.id = l.to_url_id
                    WHERE l.run_id != f.run_id OR l.run_id != t.run_id)
                 + (SELECT count(*) FROM fetches AS f JOIN urls AS u ON u.id = f.url_id WHERE f.run_id != u.run_id)
                 + (SELECT count(*) FROM pragma_foreign_key_check) AS strays
            """)
        #expect(strays.stdout.contains(" 0"), "\(strays.stdout)")

        let diff = try logbook("diff", "--db", file, "1", "2")
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        let report = try logbook("report", "--db", file, "2", "--diff", "1", "--out", folder.file("report.html"))
        #expect(report.status == 0, "\(report.stderr)")
    }

    /// A crawl still running in PostgreSQL exports as one moment of it:
    /// every fetched URL with its outcome and links, its status kept.
    @Test func aRunningPostgresCrawlExportsAsOneConsistentMoment() throws {
        let site = try linkedSite(delay: .milliseconds(40))
        let url = try server.makeDatabase()
        let crawl = try ChildProcess(
            builtProduct("logbook"),
            ["crawl", "--db", url, site.url("/"), "--workers", "4", "--retries", "0", "--quiet"])
        defer {
            crawl.signal(SIGKILL)
            _ = crawl.finish()
        }
        let started = waitUntil {
            usleep(50_000)
            return ((try? committedRows(in: url, table: "fetches", where: "true")) ?? 0) >= 100 || !crawl.isRunning
        }
        #expect(started && crawl.isRunning, "the crawl fetched 100 URLs and still runs")
        let file = folder.file("partial.sqlite")
        let export = try logbook("export", "1", "--db", url, "--to", file)
        #expect(export.status == 0, "\(export.stderr)")

        let copy = try Connection(path: file, mode: .readOnly)
        #expect(try copy.runs().map(\.status) == [.running])
        #expect(try copy.scalar("SELECT count(*) FROM pragma_foreign_key_check") == .integer(0))
        // A page's outcome, its state and its links were committed together: all or none of them are here.
        let done = try copy.scalar("SELECT count(*) FROM urls WHERE state = 'done'")
        #expect(done == (try copy.scalar("SELECT count(*) FROM fetches")))
        let linksOfPagesNotDone = try copy.scalar(
            "SELECT count(*) FROM links AS l JOIN urls AS u ON u.id = l.from_url_id WHERE u.state != 'done'")
        #expect(linksOfPagesNotDone == .integer(0))
        let pagesWithoutLinks = try copy.scalar(
            """
            SELECT count(*) FROM urls AS u JOIN fetches AS f ON f.url_id = u.id
            WHERE u.internal = 1 AND f.outcome = 'ok' AND u.url LIKE '%/p/%'
              AND NOT EXISTS (SELECT 1 FROM links AS l WHERE l.from_url_id = u.id)
            """)
        #expect(pagesWithoutLinks == .integer(0))
        if case .integer(let count) = done { #expect(count >= 100 && count < 611) }
    }

    /// `--reuse` reads earlier crawls from files: a PostgreSQL run exported
    /// is one. Its pages are revalidated, not downloaded again; exported in
    /// turn, the reusing run keeps where its outcomes came from but not the
    /// run they came from, which the new file does not hold.
    @Test func anExportedCrawlServesAReuseCrawlAndItsSourcesCopyWithoutTheirRun() throws {
        let site = try anchoredSite(validators: true)
        let url = try server.makeDatabase()
        let crawl = [site.url("/"), "--check-fragments", "--workers", "3", "--retries", "0", "--quiet"]
        #expect(try runProcess(builtProduct("logbook"), ["crawl", "--db", url] + crawl).status == 1)
        let file = folder.file("cache.sqlite")
        #expect(try logbook("export", "1", "--db", url, "--to", file).status == 0)
        let downloads = site.fullBodyCount
        let reuse = try runProcess(builtProduct("logbook"), ["crawl", "--db", file, "--reuse"] + crawl)
        #expect(reuse.status == 1, "\(reuse.stderr)")
        #expect(site.fullBodyCount == downloads, "every page answered 304")
        #expect(try CrawlRecord(run: 2, in: file) == CrawlRecord(run: 1, in: file))
        let sources = "SELECT source, source_run, count(*) FROM fetches WHERE run_id = ?1 GROUP BY 1, 2 ORDER BY 1, 2"
        let reused = try Connection(path: file, mode: .readOnly).prepare(sources).bound(2).all(SourceCount.self)
        #expect(reused.contains { $0.source == "revalidated" && $0.run == 1 }, "\(reused)")

        let again = folder.file("again.sqlite")
        #expect(try logbook("export", "2", "--db", file, "--to", again).status == 0)
        let copied = try Connection(path: again, mode: .readOnly).prepare(sources).bound(1).all(SourceCount.self)
        #expect(copied == reused.map { SourceCount(source: $0.source, run: nil, count: $0.count) }, "\(copied)")
    }

    /// A simulation recorded in PostgreSQL exports with every frame and
    /// state bit for bit: `query` prints them as SQLite's own run of the same particles.
    @Test func anExportedPostgresSimulationIsBitIdentical() throws {
        let url = try server.makeDatabase()
        let simulation = ["--particles", "60", "--seed", "5", "--steps", "200", "--record-every", "9"]
        let reference = folder.file("reference.sqlite")
        let local = try runProcess(builtProduct("logbook"), ["simulate", "--db", reference, "--quiet"] + simulation)
        #expect(local.status == 0, "\(local.stderr)")
        let shared = try runProcess(builtProduct("logbook"), ["simulate", "--db", url, "--quiet"] + simulation)
        #expect(shared.status == 0, "\(shared.stderr)")

        let exported = folder.file("exported.sqlite")
        let export = try logbook("export", "1", "--db", url, "--to", exported)
        #expect(export.status == 0, "\(export.stderr)")
        let states = try RecordedStates(run: 1, in: exported)
        #expect(states.rows.count == 60 * 24)
        #expect(states.difference(from: try RecordedStates(run: 1, in: reference)) == nil)
        for sql in [
            "SELECT * FROM states WHERE run_id = 1 ORDER BY step, particle",
            "SELECT * FROM frames WHERE run_id = 1 ORDER BY step",
            "SELECT * FROM particles WHERE run_id = 1 ORDER BY particle",
        ] {
            let copy = try logbook("query", "--db", exported, "--format", "json", sql)
            #expect(copy.status == 0, "\(copy.stderr)")
            #expect(copy.stdout == (try logbook("query", "--db", reference, "--format", "json", sql)).stdout, "\(sql)")
        }
        #expect(try listedRuns(exported) == listedRuns(reference))
        let plot = try logbook("plot", "--db", exported, "1", "--out", folder.file("plot.svg"))
        #expect(plot.status == 0, "\(plot.stderr)")
    }

    /// A PostgreSQL target is refused before anything is read or written.
    @Test func aPostgresTargetIsRefused() throws {
        let url = try server.makeDatabase()
        let source = folder.file("source.sqlite")
        #expect(try logbook("simulate", "--db", source, "--particles", "5", "--steps", "3").status == 0)
        let result = try logbook("export", "1", "--db", source, "--to", url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--to must name an SQLite file"), "\(result.stderr)")
        let tables = try Connection(path: url, mode: .readOnly).scalar(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables == .integer(0))
    }
}

/// `export` between SQLite files, and what it refuses.
@Suite struct ExportCommandTests {
    let folder = TemporaryDirectory()

    /// A simulation still being written is copied as it was at one moment,
    /// its status kept; the copy is a run like any other (resume finishes it).
    @Test func aRunningSimulationExportsAsASnapshotAndKeepsItsStatus() throws {
        let source = folder.file("source.sqlite")
        let arguments = ["--particles", "400", "--seed", "3", "--steps", "100000", "--record-every", "50"]
        let child = try ChildProcess(builtProduct("logbook"), ["simulate", "--db", source, "--quiet"] + arguments)
        defer {
            child.signal(SIGKILL)
            _ = child.finish()
        }
        #expect(waitUntil { ((try? committedRows(in: source, table: "frames")) ?? 0) >= 3 })
        let exported = folder.file("exported.sqlite")
        let export = try logbook("export", "1", "--db", source, "--to", exported)
        #expect(export.status == 0, "\(export.stderr)")
        let copy = try Connection(path: exported, mode: .readOnly)
        #expect(try copy.runs().map(\.status) == [.running])
        let frames = try copy.scalar("SELECT count(*) FROM frames")
        let states = try copy.scalar("SELECT count(*) FROM states")
        guard case .integer(let frameCount) = frames else { throw ExportTestError("no frames") }
        #expect(frameCount >= 3)
        #expect(states == .integer(frameCount * 400), "every frame whole")
        let firstSteps = try RecordedStates(run: 1, in: exported)
        let sourceStates = try RecordedStates(run: 1, in: source).rows
        #expect(firstSteps.difference(from: Array(sourceStates.prefix(firstSteps.rows.count))) == nil)
    }

    @Test func aSecondExportIntoTheSameFileAddsAnotherRun() throws {
        let source = folder.file("source.sqlite")
        #expect(try logbook("simulate", "--db", source, "--particles", "8", "--steps", "20").status == 0)
        let exported = folder.file("exported.sqlite")
        #expect(try logbook("export", "1", "--db", source, "--to", exported).status == 0)
        let again = try logbook("export", "1", "--db", source, "--to", exported)
        #expect(again.stderr == "exported run 1 of \(source) as run 2 of \(exported)\n")
        #expect(try RecordedStates(run: 2, in: exported) == RecordedStates(run: 1, in: exported))
        let diff = try logbook("diff", "--db", exported, "1", "2")
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
    }

    /// A copy that fails part-way (here a trigger refuses the tenth frame's
    /// states) adds nothing: not the run, not the rows before the failure.
    @Test func anExportThatFailsPartWayAddsNothing() throws {
        let source = folder.file("source.sqlite")
        #expect(
            try logbook("simulate", "--db", source, "--particles", "8", "--steps", "40", "--record-every", "2").status
                == 0)
        let target = folder.file("target.sqlite")
        #expect(try logbook("export", "1", "--db", source, "--to", target).status == 0)
        try Connection(path: target, mode: .readWrite).execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON states WHEN NEW.run_id = 2 AND NEW.step = 18 BEGIN SELECT RAISE(ABORT, 'refused by a test'); END"
        )
        let before = try logbook(
            "query", "--db", target,
            "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM frames), (SELECT count(*) FROM states), (SELECT count(*) FROM particles)"
        )
        let failed = try logbook("export", "1", "--db", source, "--to", target)
        #expect(failed.status == 3)
        #expect(failed.stderr.contains("refused by a test"), "\(failed.stderr)")
        let after = try logbook(
            "query", "--db", target,
            "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM frames), (SELECT count(*) FROM states), (SELECT count(*) FROM particles)"
        )
        #expect(after.stdout == before.stdout)
        #expect(before.stdout.contains("1 "), "\(before.stdout)")
    }

    @Test func refusalsSayWhyExitTwoAndCreateNothing() throws {
        let source = folder.file("source.sqlite")
        #expect(try logbook("simulate", "--db", source, "--particles", "5", "--steps", "3").status == 0)
        let target = folder.file("target.sqlite")
        let link = folder.file("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: source)
        let before = try contents(of: source)
        let cases: [([String], String)] = [
            (["7", "--db", source, "--to", target], "\(source): there is no run 7"),
            (["1", "--db", source, "--to", source], "is the database the run is read from"),
            (["1", "--db", source, "--to", link], "is the database the run is read from"),
            (["1", "--db", source, "--to", "postgres://logbook@127.0.0.1:1/x"], "--to must name an SQLite file"),
            (["x", "--db", source, "--to", target], "The value 'x' is invalid for '<run-id>'"),
            (["1", "--db", source], "Missing expected argument '--to <file>'"),
        ]
        for (arguments, message) in cases {
            let result = try runProcess(builtProduct("logbook"), ["export"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try contents(of: source) == before)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    /// A missing source is what it is for every reader: exit 3, naming the
    /// file and the command that makes one; nothing is created on either side.
    @Test func aMissingSourceIsNamedAndNothingIsCreated() throws {
        let source = folder.file("missing.sqlite")
        let target = folder.file("target.sqlite")
        let result = try logbook("export", "1", "--db", source, "--to", target)
        #expect(result.status == 3)
        #expect(result.stderr.contains("\(source): no database here"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }
}

/// How many of a run's outcomes came from where (`fetches.source`, `source_run`).
private struct SourceCount: Equatable, RowDecodable {
    let source: String
    let run: Int64?
    let count: Int

    init(source: String, run: Int64?, count: Int) {
        self.source = source
        self.run = run
        self.count = count
    }

    init(row: Row) throws {
        source = try row[0]
        run = try row[1]
        count = try row[2]
    }
}

private struct ExportTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
