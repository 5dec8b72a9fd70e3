import Glibc

/// A pthread barrier: every one of `count` threads waits in `wait()` until
/// all have arrived. Splits a step into phases without locks inside them.
///
/// `@unchecked Sendable`: the barrier itself is the synchronisation; the
/// pthread object sits in a heap allocation of its own because it must not
/// move in memory.
final class Barrier: @unchecked Sendable {
    private let barrier = UnsafeMutablePointer<pthread_barrier_t>.allocate(capacity: 1)

    init(count: Int) {
        precondition(count > 0)
        pthread_barrier_init(barrier, nil, UInt32(count))
    }

    deinit {
        pthread_barrier_destroy(barrier)
        barrier.deallocate()
    }

    func wait() {
        _ = pthread_barrier_wait(barrier)
    }
}
