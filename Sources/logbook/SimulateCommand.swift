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
    @OptionGroup(title: "Particles") var source: ParticleSourceOptions
    @OptionGroup(title: "Physics") var physics: PhysicsOptions
    @OptionGroup(title: "Steps") var stepping: StepOptions
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        try MPIRanks.run { communicator in
            if stepping.mode != .mpi {
                try MPIRanks.requireOne(
                    communicator,
                    "--mode \(stepping.mode) runs in one process: use --mode mpi, or run it without mpirun")
            }
            let (initial, origin) = try source.load()
            var config = SimulationConfig(
                source: origin, particles: initial.count, physics: physics, stepping: stepping)
            if stepping.mode == .mpi {
                guard let communicator else { throw UsageError(MPIRanks.unavailable) }
                if let workers = stepping.workers, workers != communicator.size {
                    throw UsageError(
                        "--workers \(workers) is not the \(communicator.size) ranks mpirun started; drop --workers")
                }
                try communicator.requireRanks(for: initial.count)
                config.workers = communicator.size
            }
            try config.validate(particleCount: initial.count)

            let recorder = try Recorder(path: database.path, options: Simulation.recorderOptions)
            let summary = try recording(into: recorder, quiet: quiet) { display in
                try Simulation.start(
                    config, particles: initial, recorder: recorder,
                    hooks: SimulationHooks(
                        shouldStop: StopSignal.requested, progress: { display.show($0.line) },
                        communicator: communicator))
            }
            try report(summary, database: database.path, ranks: communicator?.size)
        }
    }
}

/// Prints the end-of-run summary and turns the outcome into an exit code;
/// `ranks` when the run ran under mpirun, for the resume command.
func report(_ summary: SimulationSummary, database: String, ranks: Int?) throws {
    let status =
        switch summary.outcome {
        case .completed: "completed"
        case .interrupted: "interrupted"
        case .failed: "failed"
        }
    try StandardStream.output.write(
        """
        run \(summary.runID): simulation \(status)
          particles        \(summary.particles)
          steps            \(summary.firstStep) → \(summary.lastStep)
          wall time        \(String(format: "%.2f", summary.seconds)) s
          interactions/s   \(String(format: "%.3g", summary.interactionsPerSecond))
          energy drift     \(describe(drift: summary.energyDrift)) (|E−E₀|/|E₀|)
          momentum drift   \(describe(drift: summary.momentumDrift)) (|P−P₀|)

        """)
    if let exchange = summary.exchangeSeconds {
        try StandardStream.output.write(
            String(
                format: "  ring exchange    %.3f s (%.1f%% of wall time, rank 0)\n", exchange,
                100 * exchange / max(summary.seconds, 1e-9)))
    }
    switch summary.outcome {
    case .completed:
        return
    case .interrupted(let step):
        printError(
            "logbook: stopped after step \(step), which is recorded; continue with: \(ranks.map { "mpirun -np \($0) " } ?? "")logbook resume \(summary.runID) --db \(database)"
        )
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
        String(
            format: "step %d/%d  %.0f steps/s  %.3g interactions/s  energy drift ", step, lastStep, stepsPerSecond,
            interactionsPerSecond) + describe(drift: energyDrift)
    }
}
