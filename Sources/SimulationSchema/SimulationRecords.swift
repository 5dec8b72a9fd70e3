public import LogbookStore

/// The particles' masses and labels, written once when a run starts.
public struct RecordParticles: Record {
    public let runID: Int64
    public let particles: Particles

    public init(runID: Int64, particles: Particles) {
        self.runID = runID
        self.particles = particles
    }

    public func write(to database: Connection) throws {
        let insert = try database.cached("INSERT INTO particles (run_id, particle, mass, label) VALUES (?, ?, ?, ?)")
        for i in 0..<particles.count {
            try insert.bind(runID, i, particles.mass[i], particles.labels[i])
            try insert.run()
        }
    }
}

/// A frame and all its states: one record, so one transaction. This is the
/// checkpoint `resume` starts from.
public struct RecordFrame: Record {
    public let runID: Int64
    public let frame: Frame

    public init(runID: Int64, frame: Frame) {
        self.runID = runID
        self.frame = frame
    }

    /// The six arrays a frame copies out of the workers' buffers (masses
    /// and labels are shared with the run's particles).
    public var approximateBytes: Int { MemoryLayout<Self>.size + frame.particles.count * 6 * MemoryLayout<Double>.size }

    public func write(to database: Connection) throws {
        // A total that is not finite is recorded as NULL, each on its own
        // (`FrameTotals` reads it back as nil).
        func recorded(_ value: Double) -> Double? { value.isFinite ? value : nil }
        let momentum = frame.momentum
        try database.cached(
            """
            INSERT INTO frames (run_id, step, time, kinetic, potential, total, px, py, pz)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        .bound(
            runID, frame.step, frame.time, recorded(frame.kinetic), recorded(frame.potential), recorded(frame.total),
            recorded(momentum.x), recorded(momentum.y), recorded(momentum.z)
        )
        .run()

        let p = frame.particles
        try database.insert(
            into: "states", columns: ["run_id", "step", "particle", "x", "y", "z", "vx", "vy", "vz"],
            rows: 0..<p.count
        ) { i, row in
            try row.bind(runID, frame.step, i, p.x[i], p.y[i], p.z[i], p.vx[i], p.vy[i], p.vz[i])
        }
    }
}
