import CrawlSchema
import LogbookStore

extension Report {
    /// Counts, dead links by page, outcomes, fetch times, activity over time and every URL.
    static func crawlSections(_ crawl: RecordedCrawl, on page: inout HTMLPage) throws {
        let counts = try crawl.counts()
        let milliseconds = { (value: Double?) in value.map { readable($0) } ?? "—" }
        page.heading("Summary")
        page.cards([
            ("urls", "URLs", String(counts.urls)), ("pages", "pages of the site", String(counts.pages)),
            ("ok", "ok", String(counts.ok)), ("dead", "dead or failing", String(counts.dead)),
            ("redirects", "redirects not followed", String(counts.redirectsNotFollowed)),
            ("not_checked", "not checked", String(counts.notChecked)),
            ("queued", "still queued", String(counts.queued)),
            ("mean_ms", "mean ms", milliseconds(counts.meanMilliseconds)),
            ("max_ms", "max ms", milliseconds(counts.maxMilliseconds)),
        ])
        try deadLinkSection(crawl.deadLinksByPage(limit: Report.rowLimit), query: crawl.deadLinksQuery, on: &page)
        statusSection(try crawl.outcomeCounts(), on: &page)
        timingSection(try crawl.fetchTimes(), on: &page)
        page.heading("Over time")
        for chart in Chart.crawlActivity(try crawl.fetchTimeline(), run: crawl.runID) {
            page.raw(Chart.document([chart], width: 600, height: 360))
        }
        urlTableSection(
            try crawl.urlRows(limit: Report.rowLimit), total: counts.urls, query: crawl.urlsQuery,
            on: &page)
    }

    private static func deadLinkSection(
        _ deadLinks: (pages: [DeadLinkPage], total: Int), query: String,
        on page: inout HTMLPage
    ) {
        let (groups, total) = deadLinks
        page.heading("Dead links by referring page (\(total))")
        if groups.isEmpty { page.paragraph("No dead links.", className: "good") }
        for (index, group) in groups.enumerated() {
            page.heading(group.page.map { "on \($0)" } ?? "(no referring page: the start URL)", level: 3)
            page.table(
                id: "dead-\(index)", headers: ["dead link", "status", "error", "line", "element"],
                rows: group.links.map {
                    [
                        .text($0.url), .integer($0.status.map(Int64.init), missing: "—"), .text($0.error ?? ""),
                        .integer($0.line.map(Int64.init)), .text($0.element ?? ""),
                    ]
                })
        }
        let shown = groups.reduce(0) { $0 + $1.links.count }
        if total > shown {
            page.paragraph("\(total - shown) more rows not shown: logbook query \"\(query)\"", className: "note")
        }
    }

    private static func statusSection(_ rows: [OutcomeCount], on page: inout HTMLPage) {
        let largest = Double(rows.map(\.urls).max() ?? 1)
        page.heading("Status codes and outcomes")
        page.table(
            id: "statuses", headers: ["status", "outcome", "URLs"],
            rows: rows.map { row in
                [
                    .text(row.status.map(String.init) ?? "no response"), .text(row.outcome.rawValue),
                    .bar(fraction: Double(row.urls) / largest, shown: String(row.urls)),
                ]
            })
    }

    private static func timingSection(_ times: [Double], on page: inout HTMLPage) {
        page.heading("Fetch times")
        guard !times.isEmpty else { return page.paragraph("No fetches recorded yet.", className: "note") }
        let percentile = { (p: Double) in times[min(times.count - 1, Int((p * Double(times.count)).rounded(.down)))] }
        page.cards([
            ("p50_ms", "median ms", readable(percentile(0.5))),
            ("p90_ms", "90th percentile ms", readable(percentile(0.9))),
            ("p99_ms", "99th percentile ms", readable(percentile(0.99))),
            ("slowest_ms", "slowest ms", readable(times[times.count - 1])),
        ])
        let edges: [Double] = [10, 50, 100, 250, 500, 1000, 5000, .infinity]
        var counts = [Int](repeating: 0, count: edges.count), lower = 0.0
        for time in times { counts[edges.firstIndex { time < $0 } ?? edges.count - 1] += 1 }
        let largest = Double(counts.max() ?? 1)
        page.table(
            id: "timings", headers: ["time", "fetches"],
            rows: zip(edges, counts).map { edge, count in
                defer { lower = edge }
                let label = edge.isFinite ? "\(readable(lower))–\(readable(edge)) ms" : "≥ \(readable(lower)) ms"
                return [.text(label), .bar(fraction: Double(count) / largest, shown: String(count))]
            })
    }

    private static func urlTableSection(_ urls: [URLRow], total: Int, query: String, on page: inout HTMLPage) {
        let rows: [[HTMLPage.Cell]] = urls.map { url in
            [
                .text(url.url), .text(url.progress), .integer(url.status.map(Int64.init)),
                .real(url.elapsedMilliseconds),
                .integer(url.bytes.map(Int64.init)), .text(url.contentType ?? ""), .integer(Int64(url.depth)),
                .text(url.firstReferrer ?? ""),
            ]
        }
        page.heading("All URLs (\(total))")
        page.table(
            id: "urls",
            headers: ["URL", "outcome", "status", "ms", "bytes", "content type", "depth", "first linked from"],
            rows: rows, sortable: true)
        if total > rows.count {
            page.paragraph(
                "Showing \(rows.count) of \(total) URLs (dead ones first): logbook query \"\(query)\" lists all.",
                className: "note")
        }
    }
}

extension CrawlDiff {
    static func section(_ diff: CrawlDiff, on page: inout HTMLPage) {
        page.heading("Compared with run \(diff.a)")
        page.paragraph(
            diff.regressed ? "Regressed: \(diff.regressions)." : "No regression.",
            className: diff.regressed ? "bad" : "good")
        page.cards([
            ("newly_dead", "newly dead", String(diff.newlyDead.count)), ("fixed", "fixed", String(diff.fixed.count)),
            ("changed", "changed", String(diff.changed.count)),
            ("pages_added", "pages added", String(diff.pagesAdded.count)),
            ("pages_removed", "pages removed", String(diff.pagesRemoved.count)),
        ])
        let limit = Report.rowLimit
        page.table(
            id: "newly-dead", headers: ["newly dead link", "before", "now", "linked from"],
            rows: diff.newlyDead.prefix(limit).map {
                [
                    .text($0.url), .text($0.before?.description ?? "not linked"), .text($0.after.description),
                    .text($0.foundOn.joined(separator: "\n")),
                ]
            })
        if let broken = diff.newlyBrokenFragments, !broken.isEmpty {
            page.table(
                id: "newly-broken-fragments", headers: ["page", "fragment", "linked from"],
                rows: broken.prefix(limit).map {
                    [.text($0.url), .text("#" + $0.fragment), .text($0.foundOn)]
                })
        }
        let changes = diff.fixed.map { ("fixed", $0) } + diff.changed.map { ("changed", $0) }
        page.table(
            id: "changes", headers: ["", "URL", "before", "now"],
            rows: changes.prefix(limit).map {
                [
                    .text($0.0), .text($0.1.url), .text($0.1.before?.description ?? "—"),
                    .text($0.1.after?.description ?? "no longer linked"),
                ]
            }, sortable: true)
        let pages = diff.pagesAdded.map { ("added", $0) } + diff.pagesRemoved.map { ("removed", $0) }
        page.table(
            id: "pages", headers: ["", "page"], rows: pages.prefix(limit).map { [.text($0.0), .text($0.1)] },
            sortable: true)
        if max(diff.newlyDead.count, changes.count, pages.count) > limit {
            page.paragraph(
                "Tables show at most \(limit) rows; logbook diff \(diff.a) \(diff.b) --format json lists all.",
                className: "note")
        }
    }
}
