import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `report` and `plot` write documents that parse, say what the database
/// says, and render in a real browser.
@Suite struct ReportTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// The `data-key="key"` figure of a report.
    func figure(_ key: String, in html: String) -> String? {
        guard let start = html.range(of: "data-key=\"\(key)\">") else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "<" })
    }

    /// The attribute of the polyline drawing series `name` in an SVG.
    func series(_ name: String, _ attribute: String, in svg: String) -> String? {
        guard let start = svg.range(of: "<polyline data-series=\"\(name)\"") else { return nil }
        let element = svg[start.upperBound...].prefix { $0 != ">" }
        guard let value = element.range(of: " \(attribute)=\"") else { return nil }
        return String(element[value.upperBound...].prefix { $0 != "\"" })
    }

    func scalar(_ sql: String) throws -> SQLValue? {
        try Connection(path: path, mode: .readOnly).scalar(sql)
    }

    func integer(_ sql: String) throws -> String {
        guard case .integer(let value) = try scalar(sql) else { return "none" }
        return String(value)
    }

    func real(_ sql: String) throws -> Double? {
        guard case .real(let value) = try scalar(sql) else { return nil }
        return value
    }

    @Test func aCrawlReportHoldsTheDatabasesFiguresAndRenders() throws {
        let site = try TwoVersionSite()
        #expect(try logbook("crawl", "--db", path, "--quiet", site.url("/")).status == 1)
        site.switchToSecondVersion()
        #expect(try logbook("crawl", "--db", path, "--quiet", site.url("/")).status == 1)
        let out = folder.file("crawl.html")
        let result = try logbook("report", "--db", path, "2", "--diff", "1", "--out", out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try xmlProblem(in: out) == nil)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for (key, column) in [("urls", "urls"), ("pages", "pages"), ("ok", "ok"), ("dead", "dead")] {
            #expect(
                figure(key, in: html) == (try integer("SELECT \(column) FROM crawl_summary WHERE run_id = 2")), "\(key)"
            )
        }
        let deadRows = try integer("SELECT count(*) FROM dead_links WHERE run_id = 2")
        #expect(html.contains("Dead links by referring page (\(deadRows))"))
        #expect(html.contains("<h3>on \(site.url("/b"))</h3>"), "dead links grouped under the page linking to them")
        #expect(figure("newly_dead", in: html) == "1")
        #expect(
            html.contains(
                "<table id=\"urls\" class=\"sortable\" data-rows=\"\(try integer("SELECT count(*) FROM urls WHERE run_id = 2"))\""
            ))
        #expect(
            !html.contains("src=") && !html.contains("<link") && !html.contains("url("),
            "self-contained: nothing fetched to view it")

        let shot = try screenshot(of: out, width: 1280, height: 1400, name: "report-crawl")
        #expect(shot.width == 1280 && shot.height == 1400)
        #expect(shot.ink > 0.03, "the page drew something: \(shot.ink) of \(shot.path)")
        #expect(shot.colours > 20, "text, bars and charts in colour: \(shot.colours)")
    }

    @Test func aSimulationPlotAndReportMatchTheDatabaseAndRender() throws {
        let csv = folder.file("planets.csv")
        try """
        name,mass,x,y,z,vx,vy,vz
        Sun,1,0,0,0,0,0,0
        Mercury,1.66e-7,0.387,0,0,0,1.6075,0
        Earth,3.00e-6,-1,0,0.01,0,-1,0
        """.write(toFile: csv, atomically: true, encoding: .utf8)
        let run = try logbook(
            "simulate", "--db", path, "--quiet", "--input", csv, "--steps", "4000", "--dt", "0.002",
            "--integrator", "leapfrog", "--record-every", "4", "--softening", "0")
        #expect(run.status == 0, "\(run.stderr)")

        let svgPath = folder.file("planets.svg")
        let plot = try logbook("plot", "--db", path, "1", "--particles", "1-2", "--plane", "xy", "--out", svgPath)
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(try xmlProblem(in: svgPath) == nil)
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        let frames = try integer("SELECT count(*) FROM frames WHERE run_id = 1")
        #expect(series("total", "data-points", in: svg) == frames)
        #expect(
            series("total", "data-min", in: svg).flatMap(Double.init) == (try real("SELECT min(total) FROM frames")))
        #expect(
            series("total", "data-max", in: svg).flatMap(Double.init) == (try real("SELECT max(total) FROM frames")))
        #expect(
            series("1 Mercury", "data-max", in: svg).flatMap(Double.init)
                == (try real("SELECT max(y) FROM states WHERE particle = 1")))
        #expect(
            series("2 Earth", "data-min", in: svg).flatMap(Double.init)
                == (try real("SELECT min(y) FROM states WHERE particle = 2")))
        #expect(series("0 Sun", "data-points", in: svg) == nil, "only the particles asked for")
        #expect(svg.contains(">Energy, run 1</text>") && svg.contains(">Trajectories (xy), run 1</text>"))

        let shot = try screenshot(of: svgPath, width: 1280, height: 440, name: "plot-simulation")
        #expect(shot.width == 1280 && shot.height == 440)
        #expect(shot.ink > 0.02 && shot.colours > 8, "\(shot.ink), \(shot.colours) colours in \(shot.path)")

        let out = folder.file("simulation.html")
        #expect(try logbook("report", "--db", path, "1", "--out", out).status == 0)
        #expect(try xmlProblem(in: out) == nil)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(figure("frames", in: html) == frames)
        #expect(figure("particles", in: html) == "3")
        #expect(figure("last_step", in: html) == "4000")
        let report = try screenshot(of: out, width: 1280, height: 1400, name: "report-simulation")
        #expect(report.ink > 0.03 && report.colours > 20, "\(report.ink), \(report.colours) colours in \(report.path)")
    }

    @Test func aCrawlPlotCountsTheDeadLinks() throws {
        let site = try TwoVersionSite()
        #expect(try logbook("crawl", "--db", path, "--quiet", site.url("/")).status == 1)
        let out = folder.file("crawl.svg")
        #expect(try logbook("plot", "--db", path, "1", "--out", out).status == 0)
        #expect(try xmlProblem(in: out) == nil)
        let svg = try String(contentsOfFile: out, encoding: .utf8)
        let dead = try integer("SELECT count(*) FROM fetches WHERE outcome IN ('dead', 'error')")
        #expect(series("dead links", "data-max", in: svg).flatMap(Double.init).map { String(Int($0)) } == dead)
        #expect(series("pages/s", "data-points", in: svg) != nil)
        let refused = try logbook("plot", "--db", path, "1", "--plane", "xz", "--out", out)
        #expect(refused.status == 2 && refused.stderr.contains("--particles and --plane apply to simulations"))
    }

    @Test func aReportOfAHundredThousandURLsStaysSmall() throws {
        // Rows as a crawl writes them, made by SQL for speed: 100,000 URLs, one in 100 dead.
        let database = try Connection(path: path, mode: .readWrite)
        try database.migrate()
        try database.execute(
            """
            INSERT INTO runs (kind, status, config, logbook_version) VALUES ('crawl', 'completed', '{"start":"http://127.0.0.1/"}', 'test');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
            INSERT INTO urls (id, run_id, url, host, depth, internal, state) SELECT i + 1, 1, 'http://127.0.0.1/p/' || i, '127.0.0.1', 1, 1, 'done' FROM n;
            INSERT INTO fetches (url_id, run_id, status, outcome, elapsed_ms, bytes, content_type)
              SELECT id, 1, CASE id % 100 WHEN 0 THEN 404 ELSE 200 END, CASE id % 100 WHEN 0 THEN 'dead' ELSE 'ok' END, id % 997, 1000, 'text/html' FROM urls;
            INSERT INTO links (run_id, from_url_id, to_url_id, element, attribute, line) SELECT 1, 1, id, 'a', 'href', 1 FROM urls;
            """)
        let out = folder.file("large.html")
        let result = try logbook("report", "--db", path, "1", "--out", out)
        #expect(result.status == 0, "\(result.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int ?? 0
        #expect(size < 5_000_000, "\(size) bytes")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("Showing 5000 of 100000 URLs (dead ones first)"))
        #expect(figure("dead", in: html) == "1000")
        #expect(try xmlProblem(in: out) == nil)
        // The inline script ran in a browser: the URL table is paged, 50 rows a page.
        let dom = try renderedDOM(of: out)
        #expect(dom.contains("page 1 of 100 (5000 rows)"), "\(dom.prefix(300))")
        #expect(
            dom.components(separatedBy: "style=\"display: none;\"").count - 1 == 4950,
            "all but the first page's rows hidden")
    }

    @Test func aFileFromAnOlderLogbookIsNamedThenReadAfterMigration() throws {
        let older = try Connection(path: path, mode: .readWrite)
        try older.migrate(Array(Migration.shipped.prefix(3)))
        try older.execute(
            "INSERT INTO runs (kind, status, config, logbook_version) VALUES ('simulation', 'completed', '{}', '0.0.1')"
        )
        let refused = try logbook("report", "--db", path, "1", "--out", folder.file("old.html"))
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("written by an older logbook (schema 3 of"))
        #expect(refused.stderr.contains("logbook init --db \(path)"))
        #expect(try logbook("init", "--db", path).status == 0)
        let report = try logbook("report", "--db", path, "1", "--out", folder.file("old.html"))
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try xmlProblem(in: folder.file("old.html")) == nil)
    }

    @Test func badRequestsAreNamed() throws {
        #expect(try logbook("simulate", "--db", path, "--quiet", "--particles", "5", "--steps", "3").status == 0)
        let particle = try logbook("plot", "--db", path, "1", "--particles", "7", "--out", folder.file("x.svg"))
        #expect(particle.status == 2 && particle.stderr.contains("--particles 7: run 1 has 5 particles (0–4)"))
        let list = try logbook("plot", "--db", path, "1", "--particles", "2-x", "--out", folder.file("x.svg"))
        #expect(list.status == 2 && list.stderr.contains("\"2-x\" is not an index or a range"))
        let folderMissing = try logbook("report", "--db", path, "1", "--out", folder.file("no/such/folder.html"))
        #expect(
            folderMissing.status == 3 && folderMissing.stderr.contains("no/such (the folder of ")
                && folderMissing.stderr.contains("no/such/folder.html): No such file or directory"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.svg")), "nothing written on a refusal")

        let corrupt = folder.file("corrupt.sqlite")
        try writeRandomBytes(8 << 10, to: corrupt)
        let before = try contents(of: corrupt)
        for command in [
            ["diff", "1", "2"], ["report", "1", "--out", folder.file("c.html")],
            ["plot", "1", "--out", folder.file("c.svg")],
        ] {
            let result = try runProcess(builtProduct("logbook"), ["--db", corrupt] + command)
            #expect(result.status == 3, "\(command)")
            #expect(
                result.stderr.contains("corrupt.sqlite: ") && result.stderr.contains("not a database"),
                "\(result.stderr)")
        }
        #expect(try contents(of: corrupt) == before, "a reader leaves the file as it was")
    }
}
