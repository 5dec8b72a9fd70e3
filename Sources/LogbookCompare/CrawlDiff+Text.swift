import CrawlSchema

extension CrawlDiff {
    /// The comparison for a person: regressions first, then the rest, then counts.
    public var text: String {
        var lines = ["crawl diff: run \(a) (\(aStatus)) → run \(b) (\(bStatus))"]
        lines += settingLines(settings)
        lines.append("newly dead links: \(newlyDead.count)")
        for link in newlyDead {
            lines.append("  \(link.url)  \(link.before.map { "\($0) → " } ?? "new link, ")\(link.after)")
            lines += link.foundOn.map { "      linked from \($0)" }
        }
        if let newlyBrokenFragments {
            lines.append("newly broken fragments: \(newlyBrokenFragments.count)")
            lines += newlyBrokenFragments.map { "  \($0.url)#\($0.fragment)  linked from \($0.foundOn)" }
        }
        lines.append("fixed: \(fixed.count)")
        lines += fixed.map {
            "  \($0.url)  \($0.before.map(\.description) ?? "?") → \($0.after?.description ?? "no longer linked")"
        }
        lines.append("changed: \(changed.count)")
        lines += changed.map { "  \($0.url)  \($0.before?.description ?? "?") → \($0.after?.description ?? "?")" }
        lines.append("pages added: \(pagesAdded.count)")
        lines += pagesAdded.map { "  + \($0)" }
        lines.append("pages removed: \(pagesRemoved.count)")
        lines += pagesRemoved.map { "  - \($0)" }
        lines.append(
            "counts (A → B): "
                + [
                    ("urls", countsA.urls, countsB.urls), ("pages", countsA.pages, countsB.pages),
                    ("ok", countsA.ok, countsB.ok),
                    ("dead", countsA.dead, countsB.dead), ("not checked", countsA.notChecked, countsB.notChecked),
                ].map { "\($0.0) \($0.1) → \($0.2)" }.joined(separator: ", "))
        if countsB.queued > 0 {
            lines.append("note: run \(b) still has \(countsB.queued) URLs queued; the comparison is partial")
        }
        lines.append(regressed ? "REGRESSED: \(regressions)" : "no regression")
        return lines.joined(separator: "\n")
    }
}
