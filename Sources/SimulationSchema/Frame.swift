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
