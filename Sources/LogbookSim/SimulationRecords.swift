import LogbookStore

/// The particles' masses and labels, written once when a run starts.
struct RecordParticles: Record {
    let runID: Int64
    let particles: Particles

    func write(to database: Connection) throws {
        let insert = try database.cached("INSERT INTO particles (run_id, particle, mass, label) VALUES (?, ?, ?, ?)")
        for i in 0..<particles.count {
            try insert.bind(runID, at: 1)
            try insert.bind(i, at: 2)
            try insert.bind(particles.mass[i], at: 3)
            try insert.bind(particles.labels[i].map(SQLValue.text) ?? .null, at: 4)
            try insert.run()
        }
    }
}

/// A frame and all its states: one record, so one transaction. This is the
/// checkpoint `resume` starts from.
struct RecordFrame: Record {
    let runID: Int64
    let frame: Frame

    /// The six arrays a frame copies out of the workers' buffers (masses
    /// and labels are shared with the run's particles).
    var approximateBytes: Int { MemoryLayout<Self>.size + frame.particles.count * 6 * MemoryLayout<Double>.size }

    func write(to database: Connection) throws {
        let totals = try database.cached("""
            INSERT INTO frames (run_id, step, time, kinetic, potential, total, px, py, pz)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try totals.bind(runID, at: 1)
        try totals.bind(frame.step, at: 2)
        try totals.bind(frame.time, at: 3)
        let values = [frame.kinetic, frame.potential, frame.total, frame.momentum.x, frame.momentum.y, frame.momentum.z]
        for (offset, value) in values.enumerated() {
            try totals.bind(value.isFinite ? .real(value) : .null, at: 4 + offset)
        }
        try totals.run()

        let p = frame.particles
        try database.insert(into: "states", columns: ["run_id", "step", "particle", "x", "y", "z", "vx", "vy", "vz"],
                            rows: 0..<p.count) { i, row in
            try row.bind(runID)
            try row.bind(frame.step)
            try row.bind(i)
            try row.bind(p.x[i])
            try row.bind(p.y[i])
            try row.bind(p.z[i])
            try row.bind(p.vx[i])
            try row.bind(p.vy[i])
            try row.bind(p.vz[i])
        }
    }
}
