import Foundation
import LogbookStore
import Testing

@testable import LogbookCrawl

/// Politeness holds under threads: never more than `perHost` requests to one
/// host at once, starts at least `delay` apart, other hosts unaffected, and
/// nothing before a paused host's time.
@Suite struct HostLimiterTests {
    /// Runs `requests` requests on 6 threads, each holding its slot for
    /// `hold`; returns the start times per host and the most at once per host.
    func run(
        _ limiter: HostLimiter, hosts: [String], requests: Int, hold: Duration
    )
        -> (starts: [String: [ContinuousClock.Instant]], most: [String: Int])
    {
        let log = Guarded(
            (starts: [String: [ContinuousClock.Instant]](), active: [String: Int](), most: [String: Int]()))
        // Threads of its own: concurrentPerform would run as many as there are cores.
        let finished = DispatchGroup()
        for thread in 0..<6 {
            finished.enter()
            Thread {
                defer { finished.leave() }
                for _ in stride(from: thread, to: requests, by: 6) {
                    let host = hosts[thread % hosts.count]
                    limiter.request(to: host) {
                        log.update {
                            $0.starts[host, default: []].append(.now)
                            $0.active[host, default: 0] += 1
                            $0.most[host] = max($0.most[host] ?? 0, $0.active[host]!)
                        }
                        Thread.sleep(forTimeInterval: hold.inSeconds)
                        log.update { $0.active[host]! -= 1 }
                    }
                }
            }.start()
        }
        finished.wait()
        return log.update { ($0.starts, $0.most) }
    }

    @Test func atMostPerHostAtOnceToEachHost() {
        let (starts, most) = run(
            HostLimiter(perHost: 2, delay: .zero), hosts: ["a", "b"], requests: 60,
            hold: .milliseconds(5))
        #expect(most == ["a": 2, "b": 2])
        #expect(starts.mapValues(\.count) == ["a": 30, "b": 30])
    }

    /// The limiter spaces the grants; a body starts a moment after its grant,
    /// and under ThreadSanitizer on a busy machine that moment varies (0.4 ms
    /// was seen), so two bodies may start a little closer than `delay`. Half
    /// the delay is slack for that; without spacing they would start at once.
    @Test func startsToOneHostAreAtLeastTheDelayApart() {
        let delay = Duration.milliseconds(40)
        let (starts, _) = run(HostLimiter(perHost: 4, delay: delay), hosts: ["a"], requests: 12, hold: .zero)
        let sorted = starts["a"]!.sorted()
        #expect(sorted.count == 12)
        for (earlier, later) in zip(sorted, sorted.dropFirst()) { #expect(later - earlier >= delay / 2) }
        #expect(sorted.last! - sorted.first! >= delay * 11 - delay / 2)
    }

    @Test func aPausedHostWaitsAndOthersDoNot() {
        let limiter = HostLimiter(perHost: 1, delay: .zero)
        let paused = ContinuousClock.now
        limiter.pause("a", seconds: 1)
        let (starts, _) = run(limiter, hosts: ["a", "b"], requests: 4, hold: .zero)
        #expect(starts["a"]!.allSatisfy { $0 - paused >= .seconds(1) })
        #expect(starts["b"]!.allSatisfy { $0 - paused < .seconds(1) }, "b is not held back by a")
    }
}
