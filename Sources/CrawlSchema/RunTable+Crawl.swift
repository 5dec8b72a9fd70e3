public import LogbookStore

extension RunTable {
    /// A crawl's tables, as `RunCopy` copies a run: `urls` first, whose ids
    /// the others refer to. A fetch's `source_run` (the run a reused outcome
    /// came from) is kept only when it is the copied run itself. Links keep
    /// the source's order: a page's links as the page has them, which is
    /// how `PreviousCrawl` reads them back.
    public static let crawl: [RunTable] = [
        RunTable("urls", order: "id", columns: ["id": .id, "run_id": .run]),
        RunTable(
            "fetches", order: "url_id", columns: ["url_id": .reference("urls"), "run_id": .run, "source_run": .run]),
        RunTable(
            "links", order: nil,
            columns: ["run_id": .run, "from_url_id": .reference("urls"), "to_url_id": .reference("urls")]),
        RunTable(
            "anchors", selection: "url_id IN (SELECT id FROM urls WHERE run_id = ?1)", order: "url_id, name",
            columns: ["url_id": .reference("urls")]),
    ]
}
