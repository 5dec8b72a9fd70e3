import Foundation
public import LogbookStore
public import SimulationSchema

/// What a finished (or stopped) run did.
public struct SimulationSummary: Sendable {
    public let runID: Int64
    public let outcome: StepOutcome
    public let particles: Int
    /// The step the run started or resumed from, and the last one reached.
    public let firstStep: Int, lastStep: Int
    public let seconds: Double
    /// |E − E₀| / |E₀| between the run's first frame and its last; nil
    /// when it has no meaning (see `FrameTotals.energyDrift(since:)`).
    public let energyDrift: Double?
    /// |P − P₀| between the run's first frame and its last; nil when not finite.
    public let momentumDrift: Double?
    /// Seconds rank 0 spent passing positions around the ring (`mpi` mode).
    public let exchangeSeconds: Double?

    /// Pair interactions per second, N² per step as the C kernel counts them.
    public var interactionsPerSecond: Double {
        Double(lastStep - firstStep) * Double(particles) * Double(particles) / max(seconds, 1e-9)
    }

    /// The one line `logbook runs` shows.
    public var line: String {
        let what =
            switch outcome {
            case .completed: "\(lastStep) steps"
            case .interrupted(let step): "interrupted at step \(step)"
            case .failed(let error): "failed: \(error)"
            }
        return
            "\(particles) particle\(particles == 1 ? "" : "s"), \(what), energy drift \(describe(drift: energyDrift))"
    }
}

/// A drift as summaries and progress lines print it: three significant
/// digits, or "n/a" when there is none.
public func describe(drift: Double?) -> String {
    drift.map { String(format: "%.3g", $0) } ?? "n/a"
}

/// Progress after a step, for a live display.
public struct SimulationProgress: Sendable {
    public let step: Int, lastStep: Int
    public let stepsPerSecond: Double
    public let interactionsPerSecond: Double
    /// Energy drift at the newest recorded frame, if it has one.
    public let energyDrift: Double?
}

/// How a run reports progress, learns it should stop, and starts workers.
public struct SimulationHooks {
    /// Asked after every step; true stops the run there (Ctrl-C).
    public var shouldStop: () -> Bool
    /// Told after every step.
    public var progress: (SimulationProgress) -> Void
    /// The binary `processes` mode starts as `ring-worker`: this one, unless
    /// the caller is not logbook (a test runner) and names it.
    public var workerExecutable: String
    /// MPI's ranks, which `mpi` mode runs on: this process is rank 0.
    public var communicator: (any Communicator)?

    public init(
        shouldStop: @escaping () -> Bool = { false }, progress: @escaping (SimulationProgress) -> Void = { _ in },
        workerExecutable: String = "/proc/self/exe", communicator: (any Communicator)? = nil
    ) {
        self.shouldStop = shouldStop
        self.progress = progress
        self.workerExecutable = workerExecutable
        self.communicator = communicator
    }
}

@available(*, unavailable)
extension SimulationHooks: Sendable {}

/// Runs simulations and records them: starts a new run or resumes one.
public enum Simulation: Sendable {
    /// Recorder settings for a simulation: the writer runs at nice 19, so it
    /// fills the gaps at barriers instead of preempting a worker its
    /// partners then wait for (recording every 10th step at N = 1,000, as
    /// the CLI shows it: 15–24% at nice 0, 5–32% at nice 10, 2–8% at 19).
    /// It cannot starve: when it falls behind, the byte budget holds the
    /// workers back and their cores fall idle. At most 64 MiB of frames
    /// wait for it: behind a slow disk, about 13 frames of N = 100,000
    /// (4.8 MB each) instead of the 4096 the message capacity alone would
    /// let queue. A batch closes at 1 MiB of frames (21 of N = 1,000), so a
    /// disk that fills up loses at most that much.
    public static let recorderOptions = Recorder.Options(batchBytes: 1 << 20, byteBudget: 64 << 20, writerNice: 19)

    /// Records a new run of `config` from `particles` through `recorder`.
    public static func start(
        _ config: SimulationConfig, particles: Particles, recorder: Recorder,
        hooks: SimulationHooks = SimulationHooks()
    ) throws -> SimulationSummary {
        try config.validate(particleCount: particles.count)
        let runID = try recorder.start(try StartRun(kind: .simulation, settings: config))
        let plan = RecordingPlan(first: 0, last: config.steps, every: config.recordEvery, firstIsRecorded: false)
        return try run(
            runID, config, particles, plan, origin: nil, recorder, hooks,
            first: RecordParticles(runID: runID, particles: particles))
    }

    /// Continues run `runID` of the database at `recorder.path` from its last
    /// recorded frame, with the configuration it was started with. The run is
    /// claimed first (`Recorder.claim`): a run another live process is
    /// writing is refused.
    public static func resume(
        _ runID: Int64, recorder: Recorder,
        hooks: SimulationHooks = SimulationHooks()
    ) throws -> SimulationSummary {
        let claimed = try recorder.claim(runID, kind: .simulation)
        let saved = try recorder.markingFailure(of: runID) { try SavedRun(claimed, path: recorder.path) }
        let plan = RecordingPlan(
            first: saved.last.step, last: saved.config.steps, every: saved.config.recordEvery,
            firstIsRecorded: true)
        return try run(runID, saved.config, saved.last.particles, plan, origin: saved.origin, recorder, hooks)
    }

    /// Records `first` if given, then steps and records until the plan
    /// ends, a stop is asked or a value goes non-finite; a run that fails
    /// otherwise (a dead worker, the database) is marked failed, even when
    /// what failed is the database, `first`'s batch too.
    private static func run(
        _ runID: Int64, _ config: SimulationConfig, _ particles: Particles, _ plan: RecordingPlan,
        origin: FrameTotals?, _ recorder: Recorder, _ hooks: SimulationHooks,
        first: (any Record)? = nil
    ) throws -> SimulationSummary {
        try recorder.markingFailure(of: runID) {
            if let first { try recorder.send(first) }
            return try simulate(runID, config, particles, plan, origin: origin, recorder, hooks)
        }
    }

    private static func simulate(
        _ runID: Int64, _ config: SimulationConfig, _ particles: Particles, _ plan: RecordingPlan,
        origin: FrameTotals?, _ recorder: Recorder, _ hooks: SimulationHooks
    ) throws -> SimulationSummary {
        let control = RunControl(
            runID: runID, recorder: recorder, plan: plan, particles: particles.count, origin: origin,
            hooks: hooks)
        let coordinator = StepCoordinator(plan: plan, physics: config.physics, control: control)
        let started = ContinuousClock.now
        switch config.mode {
        case .serial, .threads:
            BarrierStepper(particles: particles, step: plan.first, physics: config.physics, workers: config.workers)
                .run(coordinator)
        case .processes:
            try RingStepper(
                particles: particles, physics: config.physics,
                ring: try PipeRing(executable: hooks.workerExecutable, workers: config.workers)
            ).run(coordinator)
        case .mpi:
            guard let communicator = hooks.communicator else {
                throw SimulationError(.options, "--mode mpi runs on the ranks mpirun starts: mpirun -np P logbook …")
            }
            try RingStepper(
                particles: particles, physics: config.physics,
                ring: try CommunicatorRing(communicator, particles: particles.count)
            ).run(coordinator)
        }
        let outcome = try coordinator.result()
        let elapsed = ContinuousClock.now - started
        let summary = SimulationSummary(
            runID: runID, outcome: outcome, particles: particles.count, firstStep: plan.first,
            lastStep: control.lastStep ?? plan.first,
            seconds: elapsed.inSeconds,
            energyDrift: control.energyDrift, momentumDrift: control.momentumDrift,
            exchangeSeconds: config.mode == .mpi ? hooks.communicator?.exchangeSeconds : nil)
        let status: RunStatus =
            switch outcome {
            case .completed: .completed
            case .interrupted: .interrupted
            case .failed: .failed
            }
        try recorder.send(UpdateRun(id: runID, status: status, summary: summary.line))
        try recorder.flush()
        return summary
    }
}

/// Sends frames to the Recorder and keeps the numbers the summary reports.
private final class RunControl: SimulationControl {
    let runID: Int64
    let recorder: Recorder
    let plan: RecordingPlan
    let particles: Int
    let hooks: SimulationHooks
    private(set) var origin: FrameTotals?
    private(set) var lastStep: Int?
    private var last: FrameTotals?
    private let started = ContinuousClock.now

    init(
        runID: Int64, recorder: Recorder, plan: RecordingPlan, particles: Int, origin: FrameTotals?,
        hooks: SimulationHooks
    ) {
        (self.runID, self.recorder, self.plan, self.particles, self.origin) = (runID, recorder, plan, particles, origin)
        self.hooks = hooks
    }

    /// A drift that is not finite (energies that overflow) has no meaning to report.
    var energyDrift: Double? { origin.flatMap { last?.energyDrift(since: $0) }.flatMap(finite) }

    var momentumDrift: Double? { origin.flatMap { last?.momentumDrift(since: $0) }.flatMap(finite) }

    private func finite(_ drift: Double) -> Double? { drift.isFinite ? drift : nil }

    func record(_ frame: Frame) throws {
        try recorder.send(RecordFrame(runID: runID, frame: frame))
        last = FrameTotals(frame)
        if origin == nil { origin = last }
        lastStep = frame.step
    }

    func continueAfter(step: Int) -> Bool {
        let elapsed = ContinuousClock.now - started
        let seconds = max(elapsed.inSeconds, 1e-9)
        let steps = Double(step - plan.first)
        hooks.progress(
            SimulationProgress(
                step: step, lastStep: plan.last, stepsPerSecond: steps / seconds,
                interactionsPerSecond: steps * Double(particles * particles) / seconds,
                energyDrift: energyDrift))
        return !hooks.shouldStop() && hooks.communicator?.stopAsked != true
    }
}

/// A run as the database holds it: what `resume` needs.
private struct SavedRun {
    let config: SimulationConfig
    let last: Frame
    let origin: FrameTotals

    init(_ run: RunInfo, path: String) throws {
        let runID = run.id
        let recorded = RecordedSimulation(try Connection(path: path, mode: .readOnly), run: runID)
        do {
            config = try run.settings(as: SimulationConfig.self)
        } catch {
            throw SimulationError(.resume, "\(path): \(error); it cannot be resumed")
        }
        guard let checkpoint = try recorded.checkpoint() else {
            throw SimulationError(.resume, "\(path): run \(runID) has no recorded frame to resume from; start it again")
        }
        origin = checkpoint.origin
        let step = Int(checkpoint.last.step)
        // The run stopped there, failed: going on would record a completed
        // run whose energies mean nothing.
        let nonFinite = checkpoint.last.nonFinite
        guard nonFinite.isEmpty else {
            let why = SimulationError.nonFiniteTotals(step: step, nonFinite)
            throw SimulationError(
                .nonFinite, "\(path): run \(runID) cannot be resumed from its last frame: \(why)", step: step)
        }
        guard let particles = checkpoint.particles else {
            throw SimulationError(
                .resume,
                """
                \(path): run \(runID), step \(step) holds \(checkpoint.states.count) states for \(checkpoint.mass.count) particles
                """)
        }
        last = Frame(step: step, time: checkpoint.last.time, particles: particles, potential: 0)
    }
}
