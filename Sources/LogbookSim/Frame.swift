/// The full state at one step, copied out of the workers' arrays: what the
/// Recorder writes as a checkpoint and what `resume` starts from.
public struct Frame: Hashable, Sendable {
    public let step: Int
    public let time: Double
    /// Positions and velocities (masses and labels as at the start).
    public let particles: Particles
    public let kinetic: Double
    /// Sum over pairs of −G·mᵢ·mⱼ/√(r²+ε²).
    public let potential: Double
    public var total: Double { kinetic + potential }
    public let momentum: SIMD3<Double>

    public init(step: Int, time: Double, particles: Particles, potential: Double) {
        self.step = step
        self.time = time
        self.particles = particles
        self.kinetic = particles.kineticEnergy
        self.potential = potential
        self.momentum = particles.momentum
    }
}

extension Frame {
    /// The totals that are not finite ("kinetic energy", …, "momentum"),
    /// none when all are: a run whose energies overflow (masses near 1e308,
    /// a huge G) has no drift to report, so it fails like a step whose
    /// state goes non-finite.
    var nonFiniteTotals: [String] {
        Self.nonFinite(kinetic: kinetic, potential: potential, total: total, momentum: momentum)
    }

    /// The totals among these that are not finite, named as in `nonFiniteTotals`.
    static func nonFinite(kinetic: Double, potential: Double, total: Double, momentum: SIMD3<Double>) -> [String] {
        let finiteMomentum = momentum.x.isFinite && momentum.y.isFinite && momentum.z.isFinite
        return [("kinetic energy", kinetic.isFinite), ("potential energy", potential.isFinite),
                ("total energy", total.isFinite), ("momentum", finiteMomentum)]
            .filter { !$0.1 }.map(\.0)
    }
}
