import CrawlSchema
import LogbookStore

extension Chart {
    /// Pages fetched per second, and dead links found so far, against seconds
    /// since the first fetch (a resumed crawl shows its pause as a gap).
    static func crawlActivity(_ fetches: [TimelineFetch], run: Int64) -> [Chart] {
        let start = fetches.first?.seconds ?? 0
        let span = (fetches.last?.seconds ?? 0) - start
        // Up to 60 intervals, of five pages each on average at least.
        let intervals = max(1, min(60, fetches.filter(\.isPage).count / 5))
        let width = max(span, 1e-3) / Double(intervals)
        var buckets = [Int](repeating: 0, count: intervals)
        var dead: [SIMD2<Double>] = [SIMD2(0, 0)], found = 0.0
        for fetch in fetches {
            let at = fetch.seconds - start
            if fetch.isPage { buckets[min(Int(at / width), buckets.count - 1)] += 1 }
            if fetch.isDead {
                dead.append(SIMD2(at, found))
                found += 1
                dead.append(SIMD2(at, found))
            }
        }
        dead.append(SIMD2(span, found))
        let rate = buckets.enumerated().flatMap { interval, pages in
            [
                SIMD2(Double(interval) * width, Double(pages) / width),
                SIMD2(Double(interval + 1) * width, Double(pages) / width),
            ]
        }
        return [
            Chart(
                title: "Pages fetched, run \(run)", xLabel: "seconds since the first fetch",
                yLabel: "pages per second",
                series: [Chart.Series(name: "pages/s", points: fetches.isEmpty ? [] : rate)],
                yFromZero: true),
            Chart(
                title: "Dead links found, run \(run)", xLabel: "seconds since the first fetch",
                yLabel: "dead links", series: [Chart.Series(name: "dead links", points: fetches.isEmpty ? [] : dead)],
                yFromZero: true, countsOnY: true),
        ]
    }
}
