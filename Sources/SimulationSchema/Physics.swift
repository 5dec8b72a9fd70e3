/// How velocities and positions advance each step.
public enum Integrator: String, Sendable, Codable, CaseIterable {
    /// Semi-implicit Euler: v += a(x)·dt, then x += v·dt with the new v.
    case euler
    /// Kick-drift-kick leapfrog: v += a·dt/2, x += v·dt, a = a(x), v += a·dt/2.
    case leapfrog
}

/// The constants of one simulation.
public struct Physics: Hashable, Sendable, Codable {
    public var gravity: Double
    public var softening: Double
    public var dt: Double
    public var integrator: Integrator

    public init(gravity: Double = 1, softening: Double, dt: Double, integrator: Integrator) {
        self.gravity = gravity
        self.softening = softening
        self.dt = dt
        self.integrator = integrator
    }
}
