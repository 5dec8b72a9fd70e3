public import LogbookStore

/// One simulation run as its tables hold it: the typed reads `resume`,
/// `diff`, `report` and `plot` make. A read in a transaction of the
/// caller's (`RunReader.snapshot`) sees one moment of a run still being written.
public struct RecordedSimulation {
    public let connection: Connection
    public let runID: Int64

    public init(_ connection: Connection, run runID: Int64) {
        self.connection = connection
        self.runID = runID
    }

    public var particleCount: Int {
        get throws {
            try connection.prepare("SELECT count(*) FROM particles WHERE run_id = ?").bound(runID).scalar() ?? 0
        }
    }

    /// The particles' labels in index order; nil where a particle has none.
    public func particleLabels() throws -> [String?] {
        try connection.prepare("SELECT label FROM particles WHERE run_id = ? ORDER BY particle").bound(runID).column()
    }

    /// The recorded frames in step order.
    public func frames() throws -> [FrameTotals] {
        try connection.prepare(
            """
            SELECT step, time, kinetic, potential, total, px, py, pz FROM frames WHERE run_id = ? ORDER BY step
            """
        ).bound(runID).all()
    }

    /// Every recorded state in (step, particle) order, read one at a time.
    public func states() throws -> StateStream {
        StateStream(
            select: try connection.prepare(
                """
                SELECT step, particle, x, y, z, vx, vy, vz FROM states WHERE run_id = ? ORDER BY step, particle
                """
            ).bound(runID))
    }

    /// The positions of `particle` at each recorded frame, in step order.
    public func trajectory(of particle: Int64) throws -> [SIMD3<Double>] {
        var positions: [SIMD3<Double>] = []
        try connection.cached(
            """
            SELECT s.x AS x, s.y AS y, s.z AS z FROM frames AS f
            CROSS JOIN states AS s ON s.run_id = f.run_id AND s.step = f.step AND s.particle = ?2
            WHERE f.run_id = ?1 ORDER BY f.step
            """
        ).bound(runID, particle).forEachRow { row in
            positions.append(SIMD3(try row["x"], try row["y"], try row["z"]))
        }
        return positions
    }

    /// Where `resume` starts from; nil when the run has no recorded frame.
    public func checkpoint() throws -> Checkpoint? {
        let particles = try connection.prepare("SELECT mass, label FROM particles WHERE run_id = ? ORDER BY particle")
            .bound(runID).all(ParticleRow.self)
        let ends = try connection.prepare(
            """
            SELECT step, time, kinetic, potential, total, px, py, pz FROM frames WHERE run_id = ?1
            AND step IN ((SELECT min(step) FROM frames WHERE run_id = ?1), (SELECT max(step) FROM frames WHERE run_id = ?1))
            ORDER BY step
            """
        ).bound(runID).all(FrameTotals.self)
        guard let first = ends.first, let last = ends.last else { return nil }
        var stream = StateStream(
            select: try connection.prepare(
                """
                SELECT step, particle, x, y, z, vx, vy, vz FROM states WHERE run_id = ? AND step = ? ORDER BY particle
                """
            ).bound(runID, last.step))
        var states: [ParticleState] = []
        while let state = try stream.next() { states.append(state) }
        return Checkpoint(
            origin: first, last: last, mass: particles.map(\.mass), labels: particles.map(\.label),
            states: states)
    }
}

/// Not `Sendable`: it reads through a `Connection`, used by one thread at a time.
@available(*, unavailable)
extension RecordedSimulation: Sendable {}

/// A run's first and last recorded frames and the particles at the last:
/// what `resume` needs. It decides what a frame it cannot go on from means.
public struct Checkpoint: Sendable {
    /// The first recorded frame: what drift is measured from.
    public let origin: FrameTotals
    /// The last recorded frame: the one to go on from.
    public let last: FrameTotals
    /// Masses and labels as the run started.
    public let mass: [Double]
    public let labels: [String?]
    /// The states recorded at `last`, in particle order.
    public let states: [ParticleState]

    /// The particles at `last`; nil unless it holds one state per particle.
    public var particles: Particles? {
        guard states.count == mass.count else { return nil }
        return Particles(
            mass: mass, x: states.map(\.position.x), y: states.map(\.position.y), z: states.map(\.position.z),
            vx: states.map(\.velocity.x), vy: states.map(\.velocity.y), vz: states.map(\.velocity.z),
            labels: labels)
    }
}

/// A row of `particles` as `resume` reads it.
private struct ParticleRow: RowDecodable {
    let mass: Double
    let label: String?

    init(row: Row) throws {
        mass = try row["mass"]
        label = try row["label"]
    }
}

/// One particle at one recorded step.
public struct ParticleState: Hashable, Sendable, RowDecodable {
    public let step: Int64
    public let particle: Int64
    public let position: SIMD3<Double>
    public let velocity: SIMD3<Double>

    public init(row: Row) throws {
        step = try row["step"]
        particle = try row["particle"]
        position = SIMD3(try row["x"], try row["y"], try row["z"])
        velocity = SIMD3(try row["vx"], try row["vy"], try row["vz"])
    }
}

/// States in (step, particle) order, one row at a time: `diff` walks two
/// runs' side by side without holding either in memory.
public struct StateStream {
    let select: Statement

    public mutating func next() throws -> ParticleState? {
        try select.next(ParticleState.self)
    }
}

@available(*, unavailable)
extension StateStream: Sendable {}
