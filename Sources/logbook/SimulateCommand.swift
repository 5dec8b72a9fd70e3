import ArgumentParser
import Foundation
import LogbookSim
import LogbookStore
import SimulationSchema

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run an n-body simulation, recording frames (energies, momentum, every particle's state).",
        discussion: """
            Starts from a Plummer sphere (--particles, --seed: total mass 1, radius 1, zero total \
            momentum) or from a CSV file (--input) with a header naming mass,x,y,z,vx,vy,vz; extra \
            columns become labels. Frames are recorded every --record-every steps, and always at \
            the first and last step. Ctrl-C stops after the current step, records it, and \
            `logbook resume` continues from there.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Particles in a generated Plummer sphere (default 1000).", allowed: 1...10_000_000) var particles: Int?
    @Option(help: "Random seed for the Plummer sphere.", allowed: 0...UInt64.max) var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Initial particles from a CSV file instead.", valueName: "file.csv")) var input: String?
    @Option(help: "Steps to run.", allowed: 0...1_000_000_000_000) var steps = 1000
    @Option(help: "Time step.", allowed: .positive) var dt = 0.001
    @Option(name: .customLong("G"), help: "Gravitational constant.", allowed: .nonNegative) var gravity = 1.0
    @Option(help: "Softening length ε in 1/√(r²+ε²); 0 makes two particles at one position an error.",
            allowed: .nonNegative)
    var softening = 0.01
    @Option(help: "euler (semi-implicit) or leapfrog (kick-drift-kick).") var integrator: Integrator = .leapfrog
    @Option(help: "serial, threads or processes.") var mode: SimulationConfig.Mode = .threads
    @Option(help: "Worker threads or processes (default: the number of cores; 1 for serial).", allowed: 1...1024)
    var workers: Int?
    @Option(help: "Record a frame every K steps.", allowed: 1...Int.max) var recordEvery = 10
    @Flag(help: "No progress line.") var quiet = false

    func validate() throws {
        if input != nil, particles != nil { throw ValidationError("--input and --particles are exclusive") }
    }

    func run() throws {
        let initial: Particles
        let source: SimulationConfig.Source
        if let input {
            initial = try Particles.csv(contentsOf: input)
            source = .csv(path: input)
        } else {
            let count = particles ?? 1000
            initial = .plummer(count: count, seed: seed)
            source = .plummer(particles: count, seed: seed)
        }
        let defaultWorkers = mode == .serial ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, initial.count)
        let config = SimulationConfig(
            source: source, steps: steps,
            physics: Physics(gravity: gravity, softening: softening, dt: dt, integrator: integrator),
            mode: mode, workers: workers ?? defaultWorkers, recordEvery: recordEvery)
        try config.validate(particleCount: initial.count)

        let recorder = try Recorder(path: database.path, options: Simulation.recorderOptions)
        let summary = try recording(into: recorder, quiet: quiet) { display in
            try Simulation.start(config, particles: initial, recorder: recorder,
                                 hooks: SimulationHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }))
        }
        try report(summary, database: database.path)
    }
}

/// Prints the end-of-run summary and turns the outcome into an exit code.
func report(_ summary: SimulationSummary, database: String) throws {
    let status = switch summary.outcome {
    case .completed: "completed"
    case .interrupted: "interrupted"
    case .failed: "failed"
    }
    try StandardStream.output.write("""
        run \(summary.runID): simulation \(status)
          particles        \(summary.particles)
          steps            \(summary.firstStep) → \(summary.lastStep)
          wall time        \(String(format: "%.2f", summary.seconds)) s
          interactions/s   \(String(format: "%.3g", summary.interactionsPerSecond))
          energy drift     \(describe(drift: summary.energyDrift)) (|E−E₀|/|E₀|)
          momentum drift   \(describe(drift: summary.momentumDrift)) (|P−P₀|)

        """)
    switch summary.outcome {
    case .completed:
        return
    case .interrupted(let step):
        printError("logbook: stopped after step \(step), which is recorded; continue with: logbook resume \(summary.runID) --db \(database)")
        throw ExitCode(ExitStatus.interrupted)
    case .failed(let error):
        printError("logbook: \(database): run \(summary.runID): \(error); the last good frame is recorded")
        throw ExitCode(ExitStatus.failure)
    }
}

/// `logbook ring-worker`: one worker of `simulate --mode processes`, started
/// by the coordinating logbook with its pipes on fds 3–6. Not for people.
struct RingWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ring-worker", shouldDisplay: false)

    func run() throws {
        let status = RingWorker.run()
        if status != 0 { throw ExitCode(status) }
    }
}

extension SimulationProgress {
    /// The live progress line.
    var line: String {
        String(format: "step %d/%d  %.0f steps/s  %.3g interactions/s  energy drift ", step, lastStep, stepsPerSecond,
               interactionsPerSecond) + describe(drift: energyDrift)
    }
}
