import Glibc

/// A bounded multi-producer, single-consumer queue: the Recorder's inbox.
///
/// `send` blocks while `capacity` messages wait, or while the bytes waiting
/// (as senders estimate them) would go over `byteBudget`: backpressure
/// instead of unbounded memory, whether messages are many or large. An
/// empty channel always takes one message, so one larger than the budget
/// cannot wait forever. The consumer takes everything waiting in one lock
/// acquisition, so a busy writer pays for the lock once per batch, not once
/// per message. After `fail`, every `send` throws the failure.
///
/// `@unchecked Sendable`: all mutable state (`buffer`, `queuedBytes`,
/// `failure`, `closed`, the counters) is read and written only while
/// holding `mutex`. The pthread mutex and conditions live in heap
/// allocations of their own because pthread objects must not move in
/// memory; this file is the only place that touches them.
final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    let capacity: Int
    /// Bytes that may wait before `send` blocks; nil for no bound but `capacity`.
    let byteBudget: Int?
    private var buffer: [Element] = []
    private var queuedBytes = 0
    private var failure: (any Error)?
    private var closed = false
    private var waitingSenders = 0
    private var receiverWaiting = false
    private var highWater = 0
    private var highWaterBytes = 0

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(capacity: Int, byteBudget: Int? = nil) {
        precondition(capacity > 0, "a channel needs room for at least one message")
        self.capacity = capacity
        self.byteBudget = byteBudget
        buffer.reserveCapacity(capacity)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(notEmpty, &attributes)
        pthread_cond_init(notFull, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Appends `element`, of about `bytes`, waiting while the channel is
    /// full. Throws the channel's failure, or `closedError` once it is closed.
    func send(_ element: Element, bytes: Int = 0, closedError: @autoclosure () -> any Error) throws {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while isFull(for: bytes), failure == nil, !closed {
            waitingSenders += 1
            pthread_cond_wait(notFull, mutex)
            waitingSenders -= 1
        }
        if let failure { throw failure }
        if closed { throw closedError() }
        buffer.append(element)
        queuedBytes += bytes
        highWater = max(highWater, buffer.count)
        highWaterBytes = max(highWaterBytes, queuedBytes)
        if receiverWaiting { pthread_cond_signal(notEmpty) }
    }

    /// True when a message of `bytes` must wait: `capacity` messages wait,
    /// or it would take a non-empty channel over its byte budget.
    private func isFull(for bytes: Int) -> Bool {
        guard buffer.count < capacity else { return true }
        guard let byteBudget, !buffer.isEmpty else { return false }
        return queuedBytes + bytes > byteBudget
    }

    /// Takes everything waiting, waiting for at least one element until
    /// `deadline` (forever when nil). Returns nil when the deadline passed
    /// with nothing sent, or when the channel is closed or failed and empty.
    func receiveAll(until deadline: MonotonicInstant? = nil) -> [Element]? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while buffer.isEmpty, !closed, failure == nil {
            receiverWaiting = true
            defer { receiverWaiting = false }
            if let deadline {
                var time = deadline.timespec
                if pthread_cond_timedwait(notEmpty, mutex, &time) == ETIMEDOUT { break }
            } else {
                pthread_cond_wait(notEmpty, mutex)
            }
        }
        guard !buffer.isEmpty else { return nil }
        var taken: [Element] = []
        taken.reserveCapacity(capacity)
        swap(&taken, &buffer)
        queuedBytes = 0
        if waitingSenders > 0 { pthread_cond_broadcast(notFull) }
        return taken
    }

    /// Refuses further sends; the receiver still drains what is waiting.
    func close() {
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_broadcast(notFull)
        pthread_cond_broadcast(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    /// Makes every later `send` throw `error`; returns what was waiting, unsent.
    func fail(_ error: any Error) -> [Element] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if failure == nil { failure = error }
        pthread_cond_broadcast(notFull)
        pthread_cond_broadcast(notEmpty)
        var dropped: [Element] = []
        swap(&dropped, &buffer)
        queuedBytes = 0
        return dropped
    }

    /// The failure set by `fail`, if any.
    var failed: (any Error)? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return failure
    }

    /// The most messages that ever waited at once.
    var maximumDepth: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return highWater
    }

    /// The most bytes that ever waited at once.
    var maximumQueuedBytes: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return highWaterBytes
    }
}

/// A point on CLOCK_MONOTONIC, the clock the channel's timed waits use.
struct MonotonicInstant: Comparable, Sendable {
    let nanoseconds: Int64

    static var now: MonotonicInstant {
        var time = Glibc.timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicInstant(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    func advanced(by duration: Duration) -> MonotonicInstant {
        let (seconds, attoseconds) = duration.components
        return MonotonicInstant(nanoseconds: nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    var timespec: Glibc.timespec {
        Glibc.timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }

    static func < (a: MonotonicInstant, b: MonotonicInstant) -> Bool { a.nanoseconds < b.nanoseconds }
}
