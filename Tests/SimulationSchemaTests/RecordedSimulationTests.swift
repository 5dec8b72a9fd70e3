import LogbookStore
import LogbookTestSupport
import SimulationSchema
import Testing

/// A run written by the schema's records reads back through its typed reads.
@Suite struct RecordedSimulationTests {
    let folder = TemporaryDirectory()
    let database: Connection
    let simulation: RecordedSimulation

    static let particles = Particles(
        mass: [1, 2, 3], x: [0, 1, 2], y: [0, 0, 0], z: [0, 0, 0],
        vx: [0, 0, 0], vy: [1, 2, 3], vz: [0, 0, 0], labels: ["sun", nil, "moon"])

    init() throws {
        database = try Connection(path: folder.database, mode: .readWrite)
        try database.migrate()
        let run = try StartRun(kind: .simulation, config: "{}").answer(from: database)
        simulation = RecordedSimulation(database, run: run)
        try RecordParticles(runID: run, particles: Self.particles).write(to: database)
    }

    /// Records frame `step` with every particle moved `step` along x.
    func record(step: Int, potential: Double = -1) throws {
        var moved = Self.particles
        moved.x = moved.x.map { $0 + Double(step) }
        try RecordFrame(
            runID: simulation.runID,
            frame: Frame(
                step: step, time: Double(step) / 10, particles: moved,
                potential: potential)
        ).write(to: database)
    }

    @Test func particlesAndFramesReadBackAsRecorded() throws {
        for step in [0, 5, 10] { try record(step: step) }
        try record(step: 15, potential: .infinity)
        #expect(try simulation.particleCount == 3)
        #expect(try simulation.particleLabels() == ["sun", nil, "moon"])
        let frames = try simulation.frames()
        #expect(frames.map(\.step) == [0, 5, 10, 15])
        #expect(frames[1] == FrameTotals(Frame(step: 5, time: 0.5, particles: Self.particles, potential: -1)))
        #expect(
            frames[3].potential == nil && frames[3].total == nil && frames[3].kinetic == 18,
            "a total that is not finite is NULL and reads as nil")
        #expect(try RecordedSimulation(database, run: 99).frames().isEmpty)
        #expect(try RecordedSimulation(database, run: 99).particleCount == 0)
    }

    @Test func statesStreamInStepThenParticleOrder() throws {
        for step in [10, 0, 5] { try record(step: step) }
        var stream = try simulation.states()
        var read: [ParticleState] = []
        while let state = try stream.next() { read.append(state) }
        let order: [[Int64]] = [0, 5, 10].flatMap { step in (0..<3).map { [step, $0] } }
        #expect(read.map { [$0.step, $0.particle] } == order)
        #expect(read[4].position == SIMD3(6, 0, 0) && read[4].velocity == SIMD3(0, 2, 0))
    }

    @Test func aTrajectoryIsOneParticlesPositionAtEachFrame() throws {
        for step in [0, 5, 10] { try record(step: step) }
        #expect(try simulation.trajectory(of: 2) == [SIMD3(2, 0, 0), SIMD3(7, 0, 0), SIMD3(12, 0, 0)])
        #expect(try simulation.trajectory(of: 0) == [SIMD3(0, 0, 0), SIMD3(5, 0, 0), SIMD3(10, 0, 0)])
        #expect(try simulation.trajectory(of: 3).isEmpty)
    }

    @Test func theCheckpointIsTheFirstAndLastFrameAndTheParticlesAtTheLast() throws {
        #expect(try simulation.checkpoint() == nil, "no frame, nothing to resume from")
        for step in [0, 5, 10] { try record(step: step) }
        let checkpoint = try #require(try simulation.checkpoint())
        #expect(checkpoint.origin.step == 0 && checkpoint.last.step == 10 && checkpoint.last.time == 1)
        var expected = Self.particles
        expected.x = expected.x.map { $0 + 10 }
        #expect(checkpoint.particles == expected)
        #expect(checkpoint.states.map(\.particle) == [0, 1, 2])

        try database.execute("DELETE FROM states WHERE step = 10 AND particle = 1")
        let partial = try #require(try simulation.checkpoint())
        #expect(partial.particles == nil && partial.states.count == 2 && partial.mass.count == 3)
    }

    /// A run that stopped at its first step (its start failed one step in,
    /// or Ctrl-C came at once) resumes from its one frame.
    @Test func aCheckpointOfOneFrameIsBothItsOriginAndItsLast() throws {
        try record(step: 0)
        let checkpoint = try #require(try simulation.checkpoint())
        #expect(checkpoint.origin == checkpoint.last && checkpoint.last.kinetic == 18)
        #expect(checkpoint.particles == Self.particles)
    }
}
