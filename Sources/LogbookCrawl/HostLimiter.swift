import Foundation
import LogbookStore

/// Per-host politeness: at most `perHost` requests at once to one host, at
/// least `delay` apart, and none before a `Retry-After` the host asked for.
final class HostLimiter: Sendable {
    private struct Host {
        var active = 0
        var notBefore = ContinuousClock.now
    }

    private let perHost: Int
    private let delay: Duration
    private let hosts = Guarded<[String: Host]>([:])

    init(perHost: Int, delay: Duration) {
        self.perHost = max(1, perHost)
        self.delay = delay
    }

    /// Runs `body` as one request to `host`, waiting for its turn.
    func request<T>(to host: String, _ body: () throws -> T) rethrows -> T {
        hosts.wait { (hosts) -> Guarded<[String: Host]>.Decision<Void> in
            let state = hosts[host, default: Host()]
            let now = ContinuousClock.now
            guard state.active < perHost else { return .waitForChange }
            guard now >= state.notBefore else { return .waitUntil(state.notBefore) }
            hosts[host] = Host(active: state.active + 1, notBefore: now + delay)
            return .done(())
        }
        defer { hosts.update { $0[host]!.active -= 1 } }
        return try body()
    }

    /// Holds every request to `host` back until `seconds` from now.
    func pause(_ host: String, seconds: Int) {
        let until = ContinuousClock.now + .seconds(seconds)
        hosts.update { $0[host, default: Host()].notBefore = max($0[host, default: Host()].notBefore, until) }
    }
}
