import SimulationSchema
import Testing

/// Energy and momentum drift, as the summary line, `report` and `plot` all
/// compute it, with the edge cases each relies on.
@Suite struct DriftTests {
    func totals(_ total: Double?, _ momentum: SIMD3<Double>? = SIMD3(0, 0, 0), step: Int64 = 0) -> FrameTotals {
        FrameTotals(
            step: step, time: Double(step), kinetic: 1, potential: total.map { $0 - 1 }, total: total,
            momentum: momentum)
    }

    @Test func driftIsTheChangeRelativeToTheFirstEnergyAndTheDistanceFromTheFirstMomentum() throws {
        let origin = totals(-2, SIMD3(1, 2, 3)), now = totals(-2.5, SIMD3(4, 6, 3))
        #expect(now.energyChange(since: origin) == -0.25)
        #expect(now.energyDrift(since: origin) == 0.25)
        #expect(totals(-1.5).energyChange(since: origin) == 0.25)
        #expect(now.momentumDrift(since: origin) == 5)
        #expect(origin.energyDrift(since: origin) == 0 && origin.momentumDrift(since: origin) == 0)
    }

    /// One particle at rest has no energy to drift from.
    @Test func noEnergyDriftFromAZeroEnergy() {
        let origin = totals(0)
        #expect(totals(1).energyChange(since: origin) == nil)
        #expect(totals(1).energyDrift(since: origin) == nil)
        #expect(origin.energyDrift(since: origin) == nil)
        #expect(totals(1).momentumDrift(since: origin) == 0, "momentum drift is still defined")
    }

    /// A total that was not finite is recorded as NULL and has no drift;
    /// energies that overflow give a drift that is not finite, which the
    /// summary reports as none and a chart leaves undrawn.
    @Test func unknownTotalsHaveNoDriftAndOverflowIsNotFinite() throws {
        let origin = totals(-2)
        #expect(totals(nil).energyDrift(since: origin) == nil)
        #expect(origin.energyDrift(since: totals(nil)) == nil)
        #expect(totals(-2, nil).momentumDrift(since: origin) == nil)
        #expect(origin.momentumDrift(since: totals(-2, nil)) == nil)
        #expect(try #require(totals(1e308).energyDrift(since: totals(-1e308))).isInfinite)
        #expect(try #require(totals(1).energyDrift(since: totals(5e-324))).isInfinite)
        #expect(
            try #require(totals(0, SIMD3(1e308, 0, 0)).momentumDrift(since: totals(0, SIMD3(-1e308, 0, 0)))).isInfinite)
    }

    /// A live frame's totals are what its row records: nil where not finite.
    @Test func aFramesTotalsAreNilWhereNotFinite() {
        let finite = Particles(mass: [2], x: [0], y: [0], z: [0], vx: [1], vy: [0], vz: [0])
        let totals = FrameTotals(Frame(step: 3, time: 0.3, particles: finite, potential: -4))
        #expect(
            totals == FrameTotals(step: 3, time: 0.3, kinetic: 1, potential: -4, total: -3, momentum: SIMD3(2, 0, 0)))

        let huge = Particles(mass: [1e308], x: [0], y: [0], z: [0], vx: [10], vy: [1], vz: [0])
        let overflowing = FrameTotals(Frame(step: 4, time: 0.4, particles: huge, potential: .nan))
        #expect(overflowing.kinetic == nil && overflowing.potential == nil && overflowing.total == nil)
        #expect(overflowing.momentum == nil, "one component that is not finite leaves the momentum unknown")
    }
}
