import ArgumentParser
import Foundation
import LogbookSim
import SimulationSchema

// `simulate`'s options, one group per part of `SimulationConfig`.

/// Where the particles come from: a Plummer sphere or a CSV file.
struct ParticleSourceOptions: ParsableArguments {
    @Option(help: "Particles in a generated Plummer sphere (default 1000).", allowed: 1...10_000_000) var particles:
        Int?
    @Option(help: "Random seed for the Plummer sphere.", allowed: 0...UInt64.max) var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Initial particles from a CSV file instead.", valueName: "file.csv")) var input: String?

    func validate() throws {
        if input != nil, particles != nil { throw ValidationError("--input and --particles are exclusive") }
    }

    /// The particles, read or generated, and the source that says how again.
    func load() throws -> (Particles, SimulationConfig.Source) {
        if let input { return (try Particles.csv(contentsOf: input), .csv(path: input)) }
        let count = particles ?? 1000
        return (.plummer(count: count, seed: seed), .plummer(particles: count, seed: seed))
    }
}

/// The constants of the simulation: `Physics`.
struct PhysicsOptions: ParsableArguments {
    @Option(help: "Time step.", allowed: .positive) var dt = 0.001
    @Option(name: .customLong("G"), help: "Gravitational constant.", allowed: .nonNegative) var gravity = 1.0
    @Option(
        help: "Softening length ε in 1/√(r²+ε²); 0 makes two particles at one position an error.",
        allowed: .nonNegative)
    var softening = 0.01
    @Option(help: "euler (semi-implicit) or leapfrog (kick-drift-kick).") var integrator: Integrator = .leapfrog

    var physics: Physics { Physics(gravity: gravity, softening: softening, dt: dt, integrator: integrator) }
}

/// How long the simulation runs, on what, and what it records.
struct StepOptions: ParsableArguments {
    @Option(help: "Steps to run.", allowed: 0...1_000_000_000_000) var steps = 1000
    @Option(help: "serial, threads, processes or mpi (under mpirun: see README).") var mode: SimulationConfig.Mode =
        .threads
    @Option(help: "Worker threads or processes (default: the number of cores; 1 for serial).", allowed: 1...1024)
    var workers: Int?
    @Option(help: "Record a frame every K steps.", allowed: 1...Int.max) var recordEvery = 10
}

extension SimulationConfig {
    /// The simulation of `particles` from `source` the command line describes;
    /// without --workers, a worker a core (at most one a particle), or one for serial.
    init(source: Source, particles: Int, physics: PhysicsOptions, stepping: StepOptions) {
        let workers = stepping.mode == .serial ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, particles)
        self.init(
            source: source, steps: stepping.steps, physics: physics.physics, mode: stepping.mode,
            workers: stepping.workers ?? workers, recordEvery: stepping.recordEvery)
    }
}
