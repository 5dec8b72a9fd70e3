import LogbookStore

extension RunReader {
    func crawlSections(on page: inout HTMLPage) throws {
        let summary = try connection.prepare("""
            SELECT urls, pages, ok, dead, redirects_not_followed, not_checked, queued, mean_ms, max_ms
            FROM crawl_summary WHERE run_id = ?
            """)
        try summary.bind(run.id, at: 1)
        let found = try summary.step()
        let count = { (column: Int) in found ? String(summary.int64(column)) : "0" }
        let milliseconds = { (column: Int) in found ? summary.optionalDouble(column).map { readable($0) } ?? "—" : "—" }
        page.heading("Summary")
        page.cards([
            ("urls", "URLs", count(0)), ("pages", "pages of the site", count(1)), ("ok", "ok", count(2)),
            ("dead", "dead or failing", count(3)), ("redirects", "redirects not followed", count(4)),
            ("not_checked", "not checked", count(5)), ("queued", "still queued", count(6)),
            ("mean_ms", "mean ms", milliseconds(7)), ("max_ms", "max ms", milliseconds(8)),
        ])
        try deadLinkSection(on: &page)
        try statusSection(on: &page)
        try timingSection(on: &page)
        page.heading("Over time")
        for chart in try crawlCharts() { page.raw(Chart.document([chart], width: 600, height: 360)) }
        try urlTableSection(on: &page)
    }

    private func deadLinkSection(on page: inout HTMLPage) throws {
        let select = try connection.prepare("""
            SELECT coalesce(found_on, ''), url, status, error, line, element FROM dead_links WHERE run_id = ?
            ORDER BY found_on, line, url LIMIT \(Report.rowLimit + 1)
            """)
        try select.bind(run.id, at: 1)
        var groups: [(page: String, rows: [[HTMLPage.Cell]])] = [], shown = 0
        while try select.step(), shown < Report.rowLimit {
            let referrer = select.text(0) ?? ""
            if groups.last?.page != referrer { groups.append((referrer, [])) }
            groups[groups.count - 1].rows.append([
                .text(select.text(1) ?? ""), .integer(select.optionalInt64(2), missing: "—"),
                .text(select.text(3) ?? ""), .integer(select.optionalInt64(4)),
                .text(select.text(5) ?? ""),
            ])
            shown += 1
        }
        let total = try count("SELECT count(*) FROM dead_links WHERE run_id = ?")
        page.heading("Dead links by referring page (\(total))")
        if groups.isEmpty { page.paragraph("No dead links.", className: "good") }
        for (index, group) in groups.enumerated() {
            page.heading(group.page.isEmpty ? "(no referring page: the start URL)" : "on \(group.page)", level: 3)
            page.table(id: "dead-\(index)", headers: ["dead link", "status", "error", "line", "element"], rows: group.rows)
        }
        if total > shown {
            page.paragraph("\(total - shown) more rows not shown: logbook query \"SELECT * FROM dead_links WHERE run_id = \(run.id)\"",
                           className: "note")
        }
    }

    private func statusSection(on page: inout HTMLPage) throws {
        let select = try connection.prepare("""
            SELECT f.status, f.outcome, count(*) FROM fetches AS f WHERE f.run_id = ?
            GROUP BY f.status, f.outcome ORDER BY count(*) DESC
            """)
        try select.bind(run.id, at: 1)
        var rows: [(status: Int64?, outcome: String, count: Int)] = []
        while try select.step() { rows.append((select.optionalInt64(0), select.text(1) ?? "", Int(select.int64(2)))) }
        let largest = Double(rows.map(\.count).max() ?? 1)
        page.heading("Status codes and outcomes")
        page.table(id: "statuses", headers: ["status", "outcome", "URLs"], rows: rows.map { row in
            [.text(row.status.map(String.init) ?? "no response"), .text(row.outcome),
             .bar(fraction: Double(row.count) / largest, shown: String(row.count))]
        })
    }

    private func timingSection(on page: inout HTMLPage) throws {
        let select = try connection.prepare("""
            SELECT elapsed_ms FROM fetches WHERE run_id = ? AND elapsed_ms IS NOT NULL ORDER BY elapsed_ms
            """)
        try select.bind(run.id, at: 1)
        var times: [Double] = []
        while try select.step() { times.append(select.double(0)) }
        page.heading("Fetch times")
        guard !times.isEmpty else { return page.paragraph("No fetches recorded yet.", className: "note") }
        let percentile = { (p: Double) in times[min(times.count - 1, Int((p * Double(times.count)).rounded(.down)))] }
        page.cards([("p50_ms", "median ms", readable(percentile(0.5))), ("p90_ms", "90th percentile ms", readable(percentile(0.9))),
                    ("p99_ms", "99th percentile ms", readable(percentile(0.99))), ("slowest_ms", "slowest ms", readable(times[times.count - 1]))])
        let edges: [Double] = [10, 50, 100, 250, 500, 1000, 5000, .infinity]
        var counts = [Int](repeating: 0, count: edges.count), lower = 0.0
        for time in times { counts[edges.firstIndex { time < $0 } ?? edges.count - 1] += 1 }
        let largest = Double(counts.max() ?? 1)
        page.table(id: "timings", headers: ["time", "fetches"], rows: zip(edges, counts).map { edge, count in
            defer { lower = edge }
            let label = edge.isFinite ? "\(readable(lower))–\(readable(edge)) ms" : "≥ \(readable(lower)) ms"
            return [.text(label), .bar(fraction: Double(count) / largest, shown: String(count))]
        })
    }

    private func urlTableSection(on page: inout HTMLPage) throws {
        let select = try connection.prepare("""
            SELECT u.url, coalesce(f.outcome, u.state), f.status, f.elapsed_ms, f.bytes, f.content_type, u.depth, u.first_referrer
            FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id WHERE u.run_id = ?
            ORDER BY f.outcome IN ('dead', 'error') DESC, u.url LIMIT \(Report.rowLimit)
            """)
        try select.bind(run.id, at: 1)
        var rows: [[HTMLPage.Cell]] = []
        while try select.step() {
            rows.append([
                .text(select.text(0) ?? ""), .text(select.text(1) ?? ""),
                .integer(select.optionalInt64(2)),
                .real(select.optionalDouble(3)),
                .integer(select.optionalInt64(4)),
                .text(select.text(5) ?? ""), .integer(select.int64(6)), .text(select.text(7) ?? ""),
            ])
        }
        let total = try count("SELECT count(*) FROM urls WHERE run_id = ?")
        page.heading("All URLs (\(total))")
        page.table(id: "urls", headers: ["URL", "outcome", "status", "ms", "bytes", "content type", "depth", "first linked from"],
                   rows: rows, sortable: true)
        if total > rows.count {
            page.paragraph("Showing \(rows.count) of \(total) URLs (dead ones first): logbook query \"SELECT * FROM urls WHERE run_id = \(run.id)\" lists all.",
                           className: "note")
        }
    }
}

extension CrawlDiff {
    static func section(_ diff: CrawlDiff, on page: inout HTMLPage) {
        page.heading("Compared with run \(diff.a)")
        page.paragraph(diff.regressed ? "Regressed: \(diff.regressions)." : "No regression.",
                       className: diff.regressed ? "bad" : "good")
        page.cards([
            ("newly_dead", "newly dead", String(diff.newlyDead.count)), ("fixed", "fixed", String(diff.fixed.count)),
            ("changed", "changed", String(diff.changed.count)), ("pages_added", "pages added", String(diff.pagesAdded.count)),
            ("pages_removed", "pages removed", String(diff.pagesRemoved.count)),
        ])
        let limit = Report.rowLimit
        page.table(id: "newly-dead", headers: ["newly dead link", "before", "now", "linked from"], rows: diff.newlyDead.prefix(limit).map {
            [.text($0.url), .text($0.before?.description ?? "not linked"), .text($0.after.description), .text($0.foundOn.joined(separator: "\n"))]
        })
        if let broken = diff.newlyBrokenFragments, !broken.isEmpty {
            page.table(id: "newly-broken-fragments", headers: ["page", "fragment", "linked from"], rows: broken.prefix(limit).map {
                [.text($0.url), .text("#" + $0.fragment), .text($0.foundOn)]
            })
        }
        let changes = diff.fixed.map { ("fixed", $0) } + diff.changed.map { ("changed", $0) }
        page.table(id: "changes", headers: ["", "URL", "before", "now"], rows: changes.prefix(limit).map {
            [.text($0.0), .text($0.1.url), .text($0.1.before?.description ?? "—"), .text($0.1.after?.description ?? "no longer linked")]
        }, sortable: true)
        let pages = diff.pagesAdded.map { ("added", $0) } + diff.pagesRemoved.map { ("removed", $0) }
        page.table(id: "pages", headers: ["", "page"], rows: pages.prefix(limit).map { [.text($0.0), .text($0.1)] }, sortable: true)
        if max(diff.newlyDead.count, changes.count, pages.count) > limit {
            page.paragraph("Tables show at most \(limit) rows; logbook diff \(diff.a) \(diff.b) --format json lists all.", className: "note")
        }
    }
}
