import CrawlSchema
import LogbookCompare

/// A crawl diff in the findings formats: what B broke, as a crawl's findings
/// are written (csv, github and sarif carry the regressions only; markdown
/// and junit the links fixed as well). A diff compares URLs, so a finding is
/// at its page with no line: `logbook links B` has the lines.
extension CrawlDiff {
    /// Each newly dead link once per page of B linking to it, and each newly
    /// broken fragment, by page (no page, for a URL no page links to, first), then URL.
    var findings: [CrawlFinding] {
        let dead = newlyDead.flatMap { link in
            (link.foundOn.isEmpty ? [nil] : link.foundOn.map(Optional.some)).map { page in
                CrawlFinding(
                    kind: .deadLink, url: link.url, status: link.after.status, error: link.after.error,
                    foundOn: page, line: nil)
            }
        }
        let fragments = (newlyBrokenFragments ?? []).map {
            CrawlFinding(
                kind: .brokenFragment, url: "\($0.url)#\($0.fragment)", status: nil,
                error: CrawlFinding.missingFragment, foundOn: $0.foundOn, line: nil)
        }
        return (dead + fragments).sorted { first, second in
            switch (first.foundOn, second.foundOn) {
            case (nil, .some): true
            case (.some, nil): false
            case let (one, other) where one != other: one!.utf8.lexicographicallyPrecedes(other!.utf8)
            default: first.url.utf8.lexicographicallyPrecedes(second.url.utf8)
            }
        }
    }

    /// Writes the diff in `format`, one of the findings formats (not text or json).
    func write(_ format: DiffCommand.DiffFormat, to output: BufferedOutput, stream: StandardStream) throws {
        let broken = findings
        let visit: Findings = { body in try broken.forEach(body) }
        switch format {
        case .text, .json:
            preconditionFailure("diff writes text and json itself")
        case .csv:
            try FindingReport.csv(visit, to: stream)
        case .github:
            try FindingReport.github(visit, locating: PageLocation.url, to: output)
        case .sarif:
            try SARIFLog.write(visit, locating: PageLocation.url, to: output)
        case .markdown:
            try output.write(
                """
                **logbook** diff of crawl run \(a) → run \(b): \(regressed ? regressions : "no regression"), \
                \(fixed.count) fixed


                """)
            try FindingReport.markdownTable(visit, listedBy: "logbook diff \(a) \(b)", to: output)
            if !fixed.isEmpty {
                try output.write("\nFixed:\n\n")
                for link in fixed.prefix(FindingReport.markdownRows) {
                    let after = link.after?.description ?? "no longer linked"
                    try output.write("- \(link.url.markdownCell): \(link.before?.description ?? "?") → \(after)\n")
                }
                if fixed.count > FindingReport.markdownRows {
                    try output.write("\n\(fixed.count - FindingReport.markdownRows) more fixed.\n")
                }
            }
        case .junit:
            // Regressions by page, as a crawl's links; the links fixed pass in a suite of their own.
            let report = try JUnitReport(named: "logbook diff of crawl run \(a) → run \(b)", to: output)
            var start = broken.startIndex
            while start < broken.endIndex {
                let page = broken[start].foundOn
                let end = broken[start...].firstIndex { $0.foundOn != page } ?? broken.endIndex
                try report.suite(page ?? JUnitReport.noPage, broken[start..<end].map(JUnitReport.TestCase.init))
                start = end
            }
            try report.suite(
                "fixed since run \(a)",
                fixed.map { JUnitReport.TestCase(name: $0.url, page: nil, line: nil, result: .passed) })
            try report.finish()
        }
    }
}
