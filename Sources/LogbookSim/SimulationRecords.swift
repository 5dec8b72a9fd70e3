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

        let states = try database.cached("INSERT INTO states VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let p = frame.particles
        for i in 0..<p.count {
            try states.bind(runID, at: 1)
            try states.bind(frame.step, at: 2)
            try states.bind(i, at: 3)
            try states.bind(p.x[i], at: 4)
            try states.bind(p.y[i], at: 5)
            try states.bind(p.z[i], at: 6)
            try states.bind(p.vx[i], at: 7)
            try states.bind(p.vy[i], at: 8)
            try states.bind(p.vz[i], at: 9)
            try states.run()
        }
    }
}
