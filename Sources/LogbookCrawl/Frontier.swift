import Foundation
import LogbookStore

/// The queue workers take URLs from: a small in-memory buffer refilled from
/// the `urls` table through the Recorder, so memory stays flat however large
/// the site. The crawl is over when nothing is queued and nothing is being
/// fetched (the seed's `queue.join()`).
///
/// `@unchecked Sendable`: `buffer`, `inFlight`, `refilling` and `stopping`
/// are read and written only while holding `condition`'s lock.
final class Frontier: @unchecked Sendable {
    private let recorder: Recorder
    private let runID: Int64
    private let batch: Int
    private let condition = NSCondition()
    private var buffer: [ClaimedURL] = []
    private var inFlight = 0
    private var refilling = false
    /// URLs finished so far: an empty claim only means the end if none
    /// finished (and maybe queued more) while it was asked.
    private var completions = 0
    private var finished = false
    private var stopping = false

    init(recorder: Recorder, runID: Int64, batch: Int) {
        self.recorder = recorder
        self.runID = runID
        self.batch = batch
    }

    /// The next URL to fetch; nil when the crawl is over or stopping.
    func next() throws -> ClaimedURL? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopping || finished { return nil }
            if !buffer.isEmpty {
                inFlight += 1
                return buffer.removeFirst()
            }
            if refilling {
                condition.wait()
                continue
            }
            refilling = true
            let completionsBefore = completions
            condition.unlock()
            let claimed = Result { try recorder.ask(ClaimURLs(runID: runID, limit: batch)) }
            condition.lock()
            refilling = false
            condition.broadcast()
            buffer += try claimed.get()
            if buffer.isEmpty, completions == completionsBefore {
                if inFlight == 0 {
                    finished = true
                    condition.broadcast()
                    return nil
                }
                condition.wait()
            }
        }
    }

    /// Called once a URL's result has been sent to the Recorder: its links
    /// may have queued more, so waiting workers look again.
    func done() {
        condition.lock()
        inFlight -= 1
        completions += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stop handing out URLs; those in the buffer stay `fetching` in the
    /// database, and `resume` queues them again.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// True when every queued URL was fetched (not stopped early).
    var isComplete: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }
}
