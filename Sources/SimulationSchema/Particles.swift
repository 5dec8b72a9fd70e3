/// A set of particles as plain arrays: what a simulation starts from, what
/// a CSV or a recorded frame loads into, and what a frame copies out.
public struct Particles: Hashable, Sendable {
    public var mass: [Double]
    public var x: [Double], y: [Double], z: [Double]
    public var vx: [Double], vy: [Double], vz: [Double]
    /// From the input CSV's extra columns; nil when there were none.
    public var labels: [String?]

    public init(
        mass: [Double], x: [Double], y: [Double], z: [Double],
        vx: [Double], vy: [Double], vz: [Double], labels: [String?]? = nil
    ) {
        precondition([x, y, z, vx, vy, vz].allSatisfy { $0.count == mass.count }, "one value per particle")
        self.mass = mass
        (self.x, self.y, self.z, self.vx, self.vy, self.vz) = (x, y, z, vx, vy, vz)
        self.labels = labels ?? Array(repeating: nil, count: mass.count)
    }

    public var count: Int { mass.count }

    /// Total momentum, summed in particle order.
    public var momentum: SIMD3<Double> {
        var total = SIMD3<Double>()
        for i in 0..<count { total += mass[i] * SIMD3(vx[i], vy[i], vz[i]) }
        return total
    }

    /// Kinetic energy, sum of m v² / 2 in particle order.
    public var kineticEnergy: Double {
        var total = 0.0
        for i in 0..<count { total += 0.5 * mass[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]) }
        return total
    }
}
