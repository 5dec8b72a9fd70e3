import Foundation
import LogbookStore

/// Per-host politeness: at most `perHost` requests at once to one host, at
/// least `delay` apart, and none before a `Retry-After` the host asked for.
///
/// `@unchecked Sendable`: `hosts` is read and written only while holding
/// `condition`'s lock.
final class HostLimiter: @unchecked Sendable {
    private struct Host {
        var active = 0
        var notBefore = ContinuousClock.now
    }

    private let perHost: Int
    private let delay: Duration
    private let condition = NSCondition()
    private var hosts: [String: Host] = [:]

    init(perHost: Int, delay: Duration) {
        self.perHost = max(1, perHost)
        self.delay = delay
    }

    /// Runs `body` as one request to `host`, waiting for its turn.
    func request<T>(to host: String, _ body: () throws -> T) rethrows -> T {
        condition.lock()
        while true {
            let state = hosts[host, default: Host()]
            let now = ContinuousClock.now
            if state.active < perHost, now >= state.notBefore { break }
            if state.active < perHost {
                _ = condition.wait(until: Date(timeIntervalSinceNow: (state.notBefore - now).inSeconds))
            } else {
                condition.wait()
            }
        }
        hosts[host, default: Host()].active += 1
        hosts[host]!.notBefore = ContinuousClock.now + delay
        condition.unlock()
        defer {
            condition.lock()
            hosts[host]!.active -= 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    /// Holds every request to `host` back until `seconds` from now.
    func pause(_ host: String, seconds: Int) {
        condition.lock()
        let until = ContinuousClock.now + .seconds(seconds)
        hosts[host, default: Host()].notBefore = max(hosts[host, default: Host()].notBefore, until)
        condition.unlock()
    }
}
