import CrawlSchema
import LogbookStore
import SimulationSchema

/// `logbook report`: one self-contained HTML file about a run, optionally
/// compared with a baseline run.
public enum Report: Sendable {
    /// Rows a table shows at most; a larger run says how many it left out
    /// and which query lists them all, so the file stays a few MB.
    public static let rowLimit = 5000

    /// The report on `reader`'s run; with `baseline`, a comparison of the
    /// baseline (A) with this run (B) too.
    public static func html(
        _ reader: RunReader, baseline: RunReader? = nil,
        tolerance: SimulationDiff.Tolerance = .exact
    ) throws -> String {
        let subject = reader.run.kind == .crawl ? reader.run.subject.map { " of \($0)" } ?? "" : ""
        var page = HTMLPage(title: "logbook \(reader.run.kind.rawValue) report: run \(reader.run.id)\(subject)")
        // The comparison reads in snapshots of its own, so it comes first.
        let crawlDiff = try baseline.flatMap { reader.run.kind == .crawl ? try CrawlDiff($0, reader) : nil }
        let simulationDiff = try baseline.flatMap {
            reader.run.kind == .simulation ? try SimulationDiff($0, reader, tolerance: tolerance) : nil
        }
        try reader.snapshot {
            describe(reader.run, on: &page)
            switch reader.run.kind {
            case .crawl: try crawlSections(reader.crawl, on: &page)
            case .simulation: try simulationSections(reader.simulation, on: &page)
            default: throw reader.unknownKind
            }
        }
        if let crawlDiff { CrawlDiff.section(crawlDiff, on: &page) }
        if let simulationDiff { SimulationDiff.section(simulationDiff, on: &page) }
        return page.html
    }

    /// The run's status, times, version, summary and settings.
    private static func describe(_ run: RunInfo, on page: inout HTMLPage) {
        page.cards([
            ("status", "status", run.status.rawValue), ("started", "started", run.startedAt),
            ("finished", "finished", run.finishedAt ?? "—"), ("version", "logbook", run.logbookVersion),
        ])
        if let summary = run.summary { page.paragraph(summary) }
        page.details("settings") { page in
            page.table(
                id: "settings", headers: ["setting", "value"],
                rows: run.flatSettings.map { [.text($0.path), .text($0.value)] })
        }
    }
}
