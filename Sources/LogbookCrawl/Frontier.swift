import CrawlSchema
import Foundation
import LogbookStore

/// The queue workers take URLs from: a small in-memory buffer refilled from
/// the `urls` table through the Recorder, so memory stays flat however large
/// the site. The crawl is over when nothing is queued and nothing is being
/// fetched (the seed's `queue.join()`).
final class Frontier: Sendable {
    private struct State {
        var buffer: [ClaimedURL] = []
        var inFlight = 0
        /// A worker is asking the Recorder for more; the others wait for it.
        var refilling = false
        /// URLs finished so far: an empty claim only means the end if none
        /// finished (and maybe queued more) while it was asked.
        var completions = 0
        var finished = false
        var stopping = false
    }

    /// What a worker does next.
    private enum Step {
        /// Fetch this URL; nil: stop.
        case fetch(ClaimedURL?)
        case refill(completionsBefore: Int)

        var url: ClaimedURL? { if case .fetch(let url) = self { url } else { nil } }
    }

    /// After a claim: more to do, nothing until other processes finish
    /// theirs, or nothing at all.
    private enum Refill {
        case more, elsewhere, exhausted
    }

    private let recorder: Recorder
    private let runID: Int64
    private let batch: Int
    private let member: CrawlMember?
    private let state = Guarded(State())

    /// How often a process whose claim found nothing asks again while other
    /// processes of a shared crawl are still fetching.
    static let pollInterval: useconds_t = 200_000

    init(recorder: Recorder, runID: Int64, batch: Int, member: CrawlMember? = nil) {
        self.recorder = recorder
        self.runID = runID
        self.batch = batch
        self.member = member
    }

    /// The next URL to fetch; nil when the crawl is over or stopping.
    func next() throws -> ClaimedURL? {
        while true {
            let step: Step = state.wait { state in
                if state.stopping || state.finished { return .done(.fetch(nil)) }
                if !state.buffer.isEmpty {
                    state.inFlight += 1
                    return .done(.fetch(state.buffer.removeFirst()))
                }
                if state.refilling { return .waitForChange }
                state.refilling = true
                return .done(.refill(completionsBefore: state.completions))
            }
            guard case .refill(let before) = step else { return step.url }
            // The lock is not held while the writer answers.
            let claimed = Result { try recorder.ask(ClaimURLs(runID: runID, limit: batch, member: member)) }
            let refill: Refill = try state.update { state in
                state.refilling = false
                let claim = try claimed.get()
                state.buffer += claim.urls
                guard state.buffer.isEmpty, state.completions == before else { return .more }
                if claim.othersBusy {
                    // Still refilling while it waits, so the others do not ask too.
                    state.refilling = true
                    return .elsewhere
                }
                if state.inFlight == 0 { state.finished = true }
                return .exhausted
            }
            switch refill {
            case .more: continue
            case .elsewhere:
                usleep(Self.pollInterval)
                state.update { $0.refilling = false }
            case .exhausted:
                // Nothing queued now; a page still being fetched may queue more.
                state.wait { (state) -> Guarded<State>.Decision<Void> in
                    state.finished || state.stopping || !state.buffer.isEmpty || state.completions != before
                        ? .done(()) : .waitForChange
                }
            }
        }
    }

    /// Called once a URL's result has been sent to the Recorder: its links
    /// may have queued more, so waiting workers look again.
    func done() {
        state.update { state in
            state.inFlight -= 1
            state.completions += 1
        }
    }

    /// Stop handing out URLs; those in the buffer stay `fetching` in the
    /// database, and `resume` queues them again (in a shared crawl,
    /// `LeaveCrawl` gives them back at once).
    func stop() {
        state.update { $0.stopping = true }
    }

    /// True when every queued URL was fetched (not stopped early).
    var isComplete: Bool { state.update { $0.finished } }
}
