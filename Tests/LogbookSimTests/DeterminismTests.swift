import Foundation
import LogbookSim
import LogbookStore
import LogbookTestSupport
import SimulationSchema
import Testing

@Suite struct DeterminismTests {
    let folder = TemporaryDirectory()

    @Test(arguments: Integrator.allCases)
    func everyModeAndWorkerCountIsBitIdentical(integrator: Integrator) throws {
        let particles = Particles.plummer(count: 203, seed: 3)
        let setups: [(SimulationConfig.Mode, Int)] = [
            (.serial, 1), (.threads, 1), (.threads, 2), (.threads, 3), (.threads, 7), (.processes, 2), (.processes, 3),
        ]
        var reference: RecordedStates?
        for (index, (mode, workers)) in setups.enumerated() {
            let run = try simulate(
                config(
                    particles, steps: 40, dt: 1e-3, softening: 0.02, integrator: integrator,
                    mode: mode, workers: workers, recordEvery: 1),
                particles, in: folder, name: "run\(index).sqlite")
            let states = try RecordedStates(run: run.run, in: run.path)
            #expect(states.rows.count == 41 * 203)
            if let reference {
                #expect(
                    states.difference(from: reference) == nil, "\(mode) with \(workers) workers differs from serial")
            } else {
                reference = states
            }
        }
    }

    @Test func aRingWithChunksFarLargerThanAPipeBufferCompletes() throws {
        // 3 workers × 4,000 particles: each chunk of positions is 96,000 bytes,
        // half again a 64 KiB pipe buffer, and all three send at once. Run by
        // the real binary with a time limit, so a deadlock fails the test.
        let path = folder.file("ring.sqlite")
        let common = ["--db", path, "--particles", "12000", "--steps", "2", "--softening", "0.01"]
        let ring = try runProcess(
            builtProduct("logbook"), ["simulate", "--mode", "processes", "--workers", "3"] + common,
            timeout: .seconds(60))
        #expect(!ring.timedOut, "the ring deadlocked")
        #expect(ring.status == 0, "\(ring.stderr)")
        let threads = try runProcess(
            builtProduct("logbook"), ["simulate", "--mode", "threads", "--workers", "2"] + common)
        #expect(threads.status == 0, "\(threads.stderr)")
        let ringStates = try RecordedStates(run: 1, in: path)
        #expect(ringStates.rows.count == 2 * 12_000)
        #expect(ringStates.difference(from: try RecordedStates(run: 2, in: path)) == nil)
    }
}
