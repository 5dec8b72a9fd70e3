import Foundation
public import SimulationSchema

extension Particles {
    /// A Plummer sphere (Aarseth, Hénon & Wielen 1974) of `count` equal
    /// masses: total mass 1, Plummer radius 1, in equilibrium for G = 1;
    /// radii beyond 10 are redrawn. Centre of mass at the origin and total
    /// momentum zero. The same seed gives the same particles on every machine
    /// (SplitMix64 random numbers).
    public static func plummer(count: Int, seed: UInt64) -> Particles {
        var random = SplitMix64(seed: seed)
        var positions: [SIMD3<Double>] = [], velocities: [SIMD3<Double>] = []
        for _ in 0..<count {
            var radius = Double.infinity
            while radius > 10 {
                radius = 1 / (pow(random.unit(), -2.0 / 3.0) - 1).squareRoot()
            }
            let position = radius * random.direction()
            // Speed as a fraction q of escape speed, by von Neumann rejection from g(q) = q²(1-q²)^3.5.
            var q = 0.0
            while true {
                q = random.unit()
                if 0.1 * random.unit() < q * q * pow(1 - q * q, 3.5) { break }
            }
            let velocity = q * 2.0.squareRoot() * pow(1 + radius * radius, -0.25) * random.direction()
            positions.append(position)
            velocities.append(velocity)
        }
        var particles = Particles(
            mass: Array(repeating: 1 / Double(count), count: count),
            x: positions.map(\.x), y: positions.map(\.y), z: positions.map(\.z),
            vx: velocities.map(\.x), vy: velocities.map(\.y), vz: velocities.map(\.z))
        particles.centre()
        return particles
    }

    /// Moves the centre of mass to the origin and removes its velocity.
    private mutating func centre() {
        let total = mass.reduce(0, +)
        var position = SIMD3<Double>(), velocity = SIMD3<Double>()
        for i in 0..<count {
            position += mass[i] * SIMD3(x[i], y[i], z[i])
            velocity += mass[i] * SIMD3(vx[i], vy[i], vz[i])
        }
        position /= total
        velocity /= total
        for i in 0..<count {
            x[i] -= position.x; y[i] -= position.y; z[i] -= position.z
            vx[i] -= velocity.x; vy[i] -= velocity.y; vz[i] -= velocity.z
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, and the same sequence everywhere.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    mutating func unit() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    /// A uniformly random unit vector.
    mutating func direction() -> SIMD3<Double> {
        let z = 2 * unit() - 1
        let angle = 2 * Double.pi * unit()
        let planar = (1 - z * z).squareRoot()
        return SIMD3(planar * cos(angle), planar * sin(angle), z)
    }
}
