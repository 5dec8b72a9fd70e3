/// Everything a simulation run needs, stored as `runs.config` so `resume`
/// continues with exactly the same settings.
public struct SimulationConfig: Hashable, Sendable, Codable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// One thread: the reference.
        case serial
        /// W threads over shared arrays, phases split by barriers.
        case threads
        /// W worker processes passing positions around a ring of pipes.
        case processes
        /// Ranks that mpirun started, passing positions around a ring over
        /// MPI (`mpirun -np P logbook simulate --mode mpi`). `workers` is the
        /// P the run started with; a resumed run takes mpirun's, which
        /// cannot change what it computes.
        case mpi
    }

    /// Where the initial particles came from.
    public enum Source: Hashable, Sendable, Codable {
        /// A Plummer sphere of `particles` equal masses drawn from `seed`.
        case plummer(particles: Int, seed: UInt64)
        /// A CSV file (its particles are recorded; resume reads them back from the database).
        case csv(path: String)
    }

    public var source: Source
    public var steps: Int
    public var physics: Physics
    public var mode: Mode
    public var workers: Int
    public var recordEvery: Int

    public init(source: Source, steps: Int, physics: Physics, mode: Mode, workers: Int, recordEvery: Int) {
        self.source = source
        self.steps = steps
        self.physics = physics
        self.mode = mode
        self.workers = workers
        self.recordEvery = recordEvery
    }
}
