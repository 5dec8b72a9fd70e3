import Foundation
import LogbookSim
import LogbookStore
import LogbookTestSupport
import SimulationSchema
import Testing

/// Two bodies of mass ½ on a circular orbit of separation 1 (G = 1): the
/// period is 2π.
func circularBinary() -> Particles {
    Particles(mass: [0.5, 0.5], x: [-0.5, 0.5], y: [0, 0], z: [0, 0], vx: [0, 0], vy: [-0.5, 0.5], vz: [0, 0])
}

/// Energies of every recorded frame, in step order.
func energies(run: Int64, in path: String) throws -> [Double] {
    let select = try Connection(path: path, mode: .readOnly).prepare(
        "SELECT total FROM frames WHERE run_id = ? ORDER BY step")
    try select.bind(run)
    var totals: [Double] = []
    while try select.step() { totals.append(select.double(0)) }
    return totals
}

@Suite struct PhysicsTests {
    let folder = TemporaryDirectory()

    @Test(arguments: Integrator.allCases)
    func aCircularOrbitReturnsToItsStartAfterOnePeriod(integrator: Integrator) throws {
        let steps = 20_000
        let run = try simulate(
            config(
                circularBinary(), steps: steps, dt: 2 * .pi / Double(steps), integrator: integrator,
                recordEvery: steps / 2), circularBinary(), in: folder)
        let states = try RecordedStates(run: run.run, in: run.path)
        let start = states.at(step: 0), end = states.at(step: Int64(steps))
        for particle in 0..<2 {
            let distance = zip(start[particle].values.prefix(3), end[particle].values.prefix(3))
                .map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            #expect(distance < 1e-3, "\(integrator): particle \(particle) ended \(distance) from its start")
        }
        // Half a period in, the bodies have swapped places.
        let half = states.at(step: Int64(steps / 2))
        #expect(abs(half[0].values[0] - 0.5) < 1e-3 && abs(half[1].values[0] + 0.5) < 1e-3)
        #expect(try #require(run.summary.energyDrift) < 1e-3)
    }

    @Test func leapfrogEnergyErrorStaysBoundedOverManyPeriods() throws {
        let perPeriod = 200, periods = 50
        let run = try simulate(
            config(
                circularBinary(), steps: perPeriod * periods, dt: 2 * .pi / Double(perPeriod),
                recordEvery: perPeriod / 4), circularBinary(), in: folder)
        let totals = try energies(run: run.run, in: run.path)
        let errors = totals.map { abs($0 - totals[0]) / abs(totals[0]) }
        let early = errors.prefix(errors.count / 5).max()!, late = errors.suffix(errors.count / 5).max()!
        #expect(errors.max()! < 1e-3, "largest relative energy error \(errors.max()!)")
        // Symplectic: the error oscillates; it does not grow period after period.
        #expect(late < 2 * early + 1e-12, "energy error grew from \(early) to \(late)")
    }

    @Test(arguments: [SimulationConfig.Mode.serial, .threads, .processes])
    func totalMomentumIsConserved(mode: SimulationConfig.Mode) throws {
        let particles = Particles.plummer(count: 300, seed: 7)
        let run = try simulate(
            config(
                particles, steps: 100, dt: 1e-3, softening: 0.01, mode: mode,
                workers: mode == .serial ? 1 : 2, recordEvery: 10), particles, in: folder)
        let select = try Connection(path: run.path, mode: .readOnly).prepare(
            "SELECT px, py, pz FROM frames WHERE run_id = ?")
        try select.bind(run.run)
        var frames = 0
        while try select.step() {
            frames += 1
            for axis in 0..<3 { #expect(abs(select.double(axis)) < 1e-14) }
        }
        #expect(frames == 11)
        #expect(try #require(run.summary.momentumDrift) < 1e-14)
    }

    @Test func aPlummerSphereIsReproducibleAndBalanced() throws {
        let a = Particles.plummer(count: 1000, seed: 42), b = Particles.plummer(count: 1000, seed: 42)
        #expect(a == b)
        #expect(a != Particles.plummer(count: 1000, seed: 43))
        #expect(a.mass.reduce(0, +) == 1 || abs(a.mass.reduce(0, +) - 1) < 1e-12)
        let p = a.momentum
        #expect(abs(p.x) < 1e-15 && abs(p.y) < 1e-15 && abs(p.z) < 1e-15)
    }
}
