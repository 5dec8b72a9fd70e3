import LogbookStore

extension RunReader {
    /// Pages fetched per second, and dead links found so far, against seconds
    /// since the first fetch (a resumed crawl shows its pause as a gap).
    func crawlCharts() throws -> [Chart] {
        let select = try connection.prepare("""
            SELECT julianday(f.fetched_at) * 86400.0, u.internal, f.outcome IN ('dead', 'error')
            FROM fetches AS f JOIN urls AS u ON u.id = f.url_id WHERE f.run_id = ? ORDER BY f.fetched_at
            """)
        try select.bind(run.id, at: 1)
        var fetches: [(time: Double, page: Bool, dead: Bool)] = []
        while try select.step() { fetches.append((select.double(0), select.int64(1) != 0, select.int64(2) != 0)) }
        let start = fetches.first?.time ?? 0
        let span = (fetches.last?.time ?? 0) - start
        // Up to 60 intervals, of five pages each on average at least.
        let intervals = max(1, min(60, fetches.filter(\.page).count / 5))
        let width = max(span, 1e-3) / Double(intervals)
        var buckets = [Int](repeating: 0, count: intervals)
        var dead: [SIMD2<Double>] = [SIMD2(0, 0)], found = 0.0
        for fetch in fetches {
            let at = fetch.time - start
            if fetch.page { buckets[min(Int(at / width), buckets.count - 1)] += 1 }
            if fetch.dead {
                dead.append(SIMD2(at, found))
                found += 1
                dead.append(SIMD2(at, found))
            }
        }
        dead.append(SIMD2(span, found))
        let rate = buckets.enumerated().flatMap { interval, pages in
            [SIMD2(Double(interval) * width, Double(pages) / width), SIMD2(Double(interval + 1) * width, Double(pages) / width)]
        }
        return [
            Chart(title: "Pages fetched, run \(run.id)", xLabel: "seconds since the first fetch",
                  yLabel: "pages per second", series: [Chart.Series(name: "pages/s", points: fetches.isEmpty ? [] : rate)],
                  yFromZero: true),
            Chart(title: "Dead links found, run \(run.id)", xLabel: "seconds since the first fetch",
                  yLabel: "dead links", series: [Chart.Series(name: "dead links", points: fetches.isEmpty ? [] : dead)],
                  yFromZero: true, countsOnY: true),
        ]
    }
}
