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

        // Rows go in 32 at a time (SQLite's per-statement work then counts
        // once per 32 rows); run and step are bound once per statement.
        let p = frame.particles
        let wide = try database.cached(statesInsert32)
        try wide.bind(runID, at: 1)
        try wide.bind(frame.step, at: 2)
        var first = 0
        while first + 32 <= p.count {
            try bindStates(wide, from: first, count: 32)
            try wide.run()
            first += 32
        }
        let single = try database.cached("INSERT INTO states VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        try single.bind(runID, at: 1)
        try single.bind(frame.step, at: 2)
        for i in first..<p.count {
            try bindStates(single, from: i, count: 1)
            try single.run()
        }
    }

    /// Binds particles `first..<first+count` to parameters 3… (7 per row).
    private func bindStates(_ statement: Statement, from first: Int, count: Int) throws {
        let p = frame.particles
        for row in 0..<count {
            let i = first + row, base = 3 + 7 * row
            try statement.bind(i, at: base)
            try statement.bind(p.x[i], at: base + 1)
            try statement.bind(p.y[i], at: base + 2)
            try statement.bind(p.z[i], at: base + 3)
            try statement.bind(p.vx[i], at: base + 4)
            try statement.bind(p.vy[i], at: base + 5)
            try statement.bind(p.vz[i], at: base + 6)
        }
    }
}

/// `INSERT INTO states` of 32 rows sharing run (?1) and step (?2); each
/// row's particle and six values are ?3…?9, ?10…?16, and so on.
private let statesInsert32 = "INSERT INTO states VALUES " + (0..<32).map { row in
    "(?1, ?2, " + (0..<7).map { "?\(3 + 7 * row + $0)" }.joined(separator: ", ") + ")"
}.joined(separator: ", ")
