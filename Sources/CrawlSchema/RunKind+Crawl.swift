public import LogbookStore

extension RunKind {
    /// A crawl of a site: its tables are `urls`, `fetches`, `links` and `anchors`.
    public static let crawl = RunKind(rawValue: "crawl")
}
