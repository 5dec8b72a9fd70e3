import Foundation
import LogbookStore

/// State that only the holder of its lock can reach, with a condition to
/// wait on until it changes. What a comment beside an `NSCondition` used to
/// promise ("read and written only while holding the lock"), the type now
/// keeps: the state is reachable only inside `update` and `wait`.
///
/// `@unchecked Sendable`: `state` is touched only between `condition.lock()`
/// and `condition.unlock()`, below.
final class Guarded<State>: @unchecked Sendable {
    /// What a `wait` body decides, holding the lock.
    enum Decision<Result> {
        case done(Result)
        /// Wait for another thread's `update`, then ask again.
        case waitForChange
        /// …or until this instant, whichever comes first.
        case waitUntil(ContinuousClock.Instant)
    }

    private let condition = NSCondition()
    private var state: State

    init(_ state: State) { self.state = state }

    /// Runs `body` on the state under the lock, then wakes every waiter to
    /// look again, since `body` may have changed what they wait for.
    func update<R>(_ body: (inout State) throws -> R) rethrows -> R {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&state)
    }

    /// Runs `decide` on the state under the lock until it is done, waiting
    /// (with the lock released) between calls as it asks. It wakes no one:
    /// `decide` takes (a URL, a slot) and what others wait for is given back
    /// through `update`.
    func wait<R>(_ decide: (inout State) -> Decision<R>) -> R {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch decide(&state) {
            case .done(let result):
                return result
            case .waitForChange:
                condition.wait()
            case .waitUntil(let instant):
                _ = condition.wait(until: Date(timeIntervalSinceNow: (instant - .now).inSeconds))
            }
        }
    }
}
