extension CrawlRecord {
    /// The first few ways this crawl differs from `expected` (outcomes,
    /// links, depths), in words for a failure message; empty when they are equal.
    public func differences(from expected: CrawlRecord) -> [String] {
        let urls = Set(outcomes.keys).union(expected.outcomes.keys).sorted()
        let outcomes = urls.filter { self.outcomes[$0] != expected.outcomes[$0] }.map {
            "\($0): \(self.outcomes[$0] ?? "-") instead of \(expected.outcomes[$0] ?? "-")"
        }
        let links = Set(links).symmetricDifference(expected.links).sorted().map { "link \($0)" }
        let depths = urls.filter { self.depths[$0] != expected.depths[$0] }.map { "depth of \($0)" }
        let count =
            self.links.count == expected.links.count ? [] : ["\(self.links.count) links, not \(expected.links.count)"]
        return Array((outcomes + links + depths + count).prefix(8))
    }
}
