import LogbookSim
import LogbookStore
import LogbookTestSupport
import SimulationSchema
import Testing

/// Frames count the arrays they carry, so a simulation's Recorder holds
/// back the stepper by bytes: large frames cannot pile up behind the writer.
@Suite struct FrameByteBudgetTests {
    @Test func framesWaitingForTheWriterStayWithinTheByteBudget() throws {
        let folder = TemporaryDirectory()
        let particles = Particles.plummer(count: 2000, seed: 3)
        let frame = particles.count * 6 * MemoryLayout<Double>.size
        let budget = 3 * frame
        let recorder = try Recorder(path: folder.database, options: .init(byteBudget: budget))
        let run = config(particles, steps: 60, dt: 1e-3, softening: 0.01, mode: .threads, workers: 2, recordEvery: 1)
        let summary = try Simulation.start(run, particles: particles, recorder: recorder)
        try recorder.close()
        #expect(summary.lastStep == 60)
        #expect(recorder.maximumQueuedBytes >= frame, "a frame counts its positions and velocities")
        #expect(recorder.maximumQueuedBytes <= budget, "\(recorder.maximumQueuedBytes) bytes waited")
        #expect(try committedRows(in: folder.database, table: "frames") == 61)
        #expect(Simulation.recorderOptions.byteBudget == 64 << 20)
    }
}
