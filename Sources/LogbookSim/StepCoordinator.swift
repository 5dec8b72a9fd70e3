public import SimulationSchema

/// Which steps are recorded: every `every`-th, and always the first and last.
public struct RecordingPlan: Hashable, Sendable {
    /// The step the run starts (or resumes) from.
    public let first: Int
    public let last: Int
    public let every: Int
    /// True when `first` is already recorded (a resumed run).
    public let firstIsRecorded: Bool

    /// True when `step` is to be recorded when the run reaches it.
    public func records(_ step: Int) -> Bool {
        if step == first { return !firstIsRecorded }
        return step % every == 0 || step == last
    }

    /// True when a frame of `step` exists once the run has passed it.
    func hasRecorded(_ step: Int) -> Bool { step == first || records(step) }
}

/// How a run of steps ended.
public enum StepOutcome: Sendable {
    case completed
    /// Stopped on request after `step`; its frame is recorded.
    case interrupted(step: Int)
    /// A value went non-finite; the last good frame is recorded.
    case failed(SimulationError)
}

/// What the coordinator tells every worker after a step.
enum StepDecision: Hashable, Sendable, Codable {
    case proceed
    case stop
    /// Compute potentials for the state of `step`, record it, then stop.
    case recordThenStop(step: Int)
}

/// What a simulation does with frames and progress; called on one thread.
public protocol SimulationControl: AnyObject {
    /// Sends `frame` to be recorded. Throwing stops the run.
    func record(_ frame: Frame) throws
    /// Called after every step; returning false stops the run there.
    func continueAfter(step: Int) -> Bool
}

/// Decides after each step whether to record, go on or stop: the one place
/// that knows the rules, used by every stepper on its coordinating thread.
final class StepCoordinator {
    let plan: RecordingPlan
    let physics: Physics
    let control: any SimulationControl
    private(set) var outcome: StepOutcome?
    private var error: (any Error)?
    private var badAcceleration: (step: Int, particle: Int)?

    init(plan: RecordingPlan, physics: Physics, control: any SimulationControl) {
        self.plan = plan
        self.physics = physics
        self.control = control
    }

    /// `snapshot(step)` copies out the state of `step` with the potentials
    /// of the last read phase.
    func decide(after step: Int, check: PhaseCheck, snapshot: (Int) throws -> Frame) rethrows -> StepDecision {
        if let particle = check.badState {
            // The state of `step - 1` was the last good one.
            outcome = .failed(.nonFinite(step: step, particle: particle))
            return plan.hasRecorded(step - 1) ? .stop : .recordThenStop(step: step - 1)
        }
        if let particle = check.badAcceleration {
            // The state of `step` is good; the next step would not be.
            badAcceleration = (step: step + 1, particle: particle)
            if plan.records(step) || plan.hasRecorded(step) {
                finish(with: try snapshot(step), record: plan.records(step))
                return .stop
            }
            return .recordThenStop(step: step)
        }
        if plan.records(step), !record(try snapshot(step)) { return .stop }
        if step == plan.last {
            outcome = .completed
            return .stop
        }
        if !control.continueAfter(step: step) {
            outcome = .interrupted(step: step)
            return plan.hasRecorded(step) ? .stop : .recordThenStop(step: step)
        }
        return .proceed
    }

    /// Records the last frame: one a `recordThenStop` asked for, or the
    /// good state before a non-finite acceleration, which also names it.
    func finish(with frame: Frame, record recording: Bool = true) {
        if let bad = badAcceleration {
            let other = physics.softening == 0 ? frame.particles.coincident(with: bad.particle) : nil
            outcome = .failed(
                other.map { .coincident(step: bad.step, particles: (min(bad.particle, $0), max(bad.particle, $0))) }
                    ?? .nonFinite(step: bad.step, particle: bad.particle))
        }
        if recording { _ = record(frame) }
    }

    /// The outcome, or the recording error that cut the run short.
    func result() throws -> StepOutcome {
        if let error { throw error }
        return outcome ?? .completed
    }

    /// Records `frame`; false when the run must stop: recording failed, or
    /// the frame's totals are not finite (its state is, so it is still the
    /// last good frame, recorded with NULL for what is not finite).
    private func record(_ frame: Frame) -> Bool {
        guard error == nil else { return false }
        do {
            try control.record(frame)
        } catch {
            self.error = error
            return false
        }
        let nonFinite = FrameTotals(frame).nonFinite
        guard nonFinite.isEmpty else {
            if case .failed = outcome {} else { outcome = .failed(.nonFiniteTotals(step: frame.step, nonFinite)) }
            return false
        }
        return true
    }
}
