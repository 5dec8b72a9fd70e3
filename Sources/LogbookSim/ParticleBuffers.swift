internal import CVectorMath
import SimulationSchema

/// Structure-of-arrays storage for one simulation: masses, two copies of the
/// state (positions and velocities, alternating by step parity so the last
/// good state survives a failing step), accelerations and potentials.
///
/// This file and nothing else in LogbookSim touches raw memory: the force
/// kernel and the integrator phases are here, over index ranges.
///
/// `@unchecked Sendable`: workers share one instance. Between two barriers
/// (or two ring exchanges) each worker writes only the indices of its own
/// range, and reads other indices only of arrays nobody writes in that phase.
final class ParticleBuffers: @unchecked Sendable {
    struct State {
        let x, y, z, vx, vy, vz: UnsafeMutablePointer<Double>
    }

    let count: Int
    let mass, ax, ay, az, potential: UnsafeMutablePointer<Double>
    private let states: (State, State)
    private let storage: UnsafeMutableBufferPointer<Double>

    /// Storage for `particles`, loaded as the state of `step`.
    init(_ particles: Particles, step: Int) {
        count = particles.count
        // Room to load a whole SIMD group past the last particle.
        let stride = (count + 7) / 8 * 8 + 8
        storage = .allocate(capacity: stride * 17)
        storage.initialize(repeating: 0)
        let base = storage.baseAddress!
        func field(_ index: Int) -> UnsafeMutablePointer<Double> { base + index * stride }
        (mass, ax, ay, az, potential) = (field(0), field(1), field(2), field(3), field(4))
        states = (
            State(x: field(5), y: field(6), z: field(7), vx: field(8), vy: field(9), vz: field(10)),
            State(x: field(11), y: field(12), z: field(13), vx: field(14), vy: field(15), vz: field(16))
        )
        mass.update(from: particles.mass, count: count)
        load(particles, into: step)
    }

    deinit { storage.deallocate() }

    /// The state of step `step`.
    func state(_ step: Int) -> State { step & 1 == 0 ? states.0 : states.1 }

    /// Sets positions and velocities of step parity `step` from `particles`.
    func load(_ particles: Particles, into step: Int, range: Range<Int>? = nil) {
        let s = state(step)
        for i in range ?? 0..<count {
            (s.x[i], s.y[i], s.z[i]) = (particles.x[i], particles.y[i], particles.z[i])
            (s.vx[i], s.vy[i], s.vz[i]) = (particles.vx[i], particles.vy[i], particles.vz[i])
        }
    }

    /// Copies the state of `step` out, with `template`'s masses and labels.
    func particles(at step: Int, template: Particles) -> Particles {
        let s = state(step)
        var copy = template
        copy.x = Array(UnsafeBufferPointer(start: s.x, count: count))
        copy.y = Array(UnsafeBufferPointer(start: s.y, count: count))
        copy.z = Array(UnsafeBufferPointer(start: s.z, count: count))
        copy.vx = Array(UnsafeBufferPointer(start: s.vx, count: count))
        copy.vy = Array(UnsafeBufferPointer(start: s.vy, count: count))
        copy.vz = Array(UnsafeBufferPointer(start: s.vz, count: count))
        return copy
    }

    /// The arrays of `step` a worker process shares: positions for the ring
    /// (`x, y, z`), and everything for the coordinator (`x, y, z, vx, vy, vz, φ`).
    private func columns(_ step: Int, withVelocities: Bool) -> [UnsafeMutablePointer<Double>] {
        let s = state(step)
        return withVelocities ? [s.x, s.y, s.z, s.vx, s.vy, s.vz, potential] : [s.x, s.y, s.z]
    }

    /// `range` of the columns of `step`, one column after another.
    func export(_ range: Range<Int>, step: Int, withVelocities: Bool) -> [Double] {
        columns(step, withVelocities: withVelocities).flatMap {
            Array(UnsafeBufferPointer(start: $0 + range.lowerBound, count: range.count))
        }
    }

    /// Sets `range` of the columns of `step` from what `export` gave.
    func load(_ values: [Double], into range: Range<Int>, step: Int, withVelocities: Bool) {
        for (column, pointer) in columns(step, withVelocities: withVelocities).enumerated() {
            for (offset, i) in range.enumerated() { pointer[i] = values[column * range.count + offset] }
        }
    }

    /// Total potential energy from the per-particle potentials of the last
    /// read phase run with `potential: true`: −G/2 · Σ mᵢφᵢ, in particle order.
    func potentialEnergy(gravity: Double) -> Double {
        var sum = 0.0
        for i in 0..<count { sum += mass[i] * potential[i] }
        return -0.5 * gravity * sum
    }

    // MARK: Read phase

    /// Accelerations (and, when asked, potentials φᵢ = Σⱼ mⱼ/√(r²+ε²)) of the
    /// particles in `targets` from all positions of `step`.
    ///
    /// Vectorised across 8 targets, and blocked: sources are taken in tiles
    /// small enough to stay in the L1 cache while every target group of the
    /// range passes over them. For every target the sources are still summed
    /// in index order 0, 1, 2… with the same operations, so the result does
    /// not depend on how targets are split among workers: every mode and
    /// worker count is bit-identical. No FMA and an exact square root keep
    /// it equal to a scalar loop.
    func accelerate(_ targets: Range<Int>, step: Int, gravity: Double, softening: Double, potential withPotential: Bool)
    {
        let s = state(step)
        let eps2 = SIMD8<Double>(repeating: softening * softening)
        let lanes = SIMD8<Double>(0, 1, 2, 3, 4, 5, 6, 7)
        let groups = (targets.count + 7) / 8
        // Four running sums (x, y, z, φ) per group of 8 targets, kept across tiles.
        var sums = [SIMD8<Double>](repeating: .zero, count: 4 * groups)
        var tileStart = 0
        while tileStart < count {
            let tileEnd = min(tileStart + Self.tile, count)
            for group in 0..<groups {
                let i = targets.lowerBound + 8 * group
                let xi = load(s.x + i), yi = load(s.y + i), zi = load(s.z + i)
                var accX = sums[4 * group], accY = sums[4 * group + 1], accZ = sums[4 * group + 2]
                var phi = sums[4 * group + 3]

                @inline(__always) func add(_ j: Int, masked: Bool) {
                    let dx = SIMD8(repeating: s.x[j]) - xi
                    let dy = SIMD8(repeating: s.y[j]) - yi
                    let dz = SIMD8(repeating: s.z[j]) - zi
                    let r2 = dx * dx + dy * dy + dz * dz + eps2
                    var inverse = 1 / CVectorMath_sqrt8(r2)
                    // A target does not pull on itself.
                    if masked { inverse.replace(with: 0, where: lanes .== SIMD8(repeating: Double(j - i))) }
                    let m = SIMD8(repeating: mass[j])
                    let strength = m * (inverse * inverse * inverse)
                    accX += dx * strength
                    accY += dy * strength
                    accZ += dz * strength
                    if withPotential { phi += m * inverse }
                }

                // The tile in three parts: sources before the group, the group's own, after it.
                let ownStart = min(max(tileStart, i), tileEnd), ownEnd = min(max(tileStart, i + 8), tileEnd)
                for j in tileStart..<ownStart { add(j, masked: false) }
                for j in ownStart..<ownEnd { add(j, masked: true) }
                for j in ownEnd..<tileEnd { add(j, masked: false) }
                (sums[4 * group], sums[4 * group + 1], sums[4 * group + 2], sums[4 * group + 3]) = (
                    accX, accY, accZ, phi
                )
            }
            tileStart = tileEnd
        }
        for group in 0..<groups {
            let i = targets.lowerBound + 8 * group
            for lane in 0..<min(8, targets.upperBound - i) {
                ax[i + lane] = gravity * sums[4 * group][lane]
                ay[i + lane] = gravity * sums[4 * group + 1][lane]
                az[i + lane] = gravity * sums[4 * group + 2][lane]
                if withPotential { potential[i + lane] = sums[4 * group + 3][lane] }
            }
        }
    }

    /// Sources per tile: x, y, z and mass of 512 particles are 16 KiB.
    private static let tile = 512

    @inline(__always) private func load(_ pointer: UnsafeMutablePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Double>.self)
    }

    // MARK: Write phases

    /// Kick then drift, from the state of `step` into the state of `step + 1`:
    /// v' = v + a·kick, then x' = x + v'·dt.
    func kickDrift(_ range: Range<Int>, step: Int, kick: Double, dt: Double) {
        let now = state(step), next = state(step + 1)
        for i in range {
            next.vx[i] = now.vx[i] + ax[i] * kick
            next.vy[i] = now.vy[i] + ay[i] * kick
            next.vz[i] = now.vz[i] + az[i] * kick
            next.x[i] = now.x[i] + next.vx[i] * dt
            next.y[i] = now.y[i] + next.vy[i] * dt
            next.z[i] = now.z[i] + next.vz[i] * dt
        }
    }

    /// The closing half kick of leapfrog, in place on the state of `step`.
    func kick(_ range: Range<Int>, step: Int, kick: Double) {
        let s = state(step)
        for i in range {
            s.vx[i] += ax[i] * kick
            s.vy[i] += ay[i] * kick
            s.vz[i] += az[i] * kick
        }
    }

    // MARK: Checks

    /// The first particle in `range` whose position or velocity at `step` is
    /// not finite.
    func firstNonFiniteState(_ range: Range<Int>, step: Int) -> Int? {
        let s = state(step)
        return range.first { i in
            !(s.x[i].isFinite && s.y[i].isFinite && s.z[i].isFinite
                && s.vx[i].isFinite && s.vy[i].isFinite && s.vz[i].isFinite)
        }
    }

    /// The first particle in `range` whose acceleration is not finite.
    func firstNonFiniteAcceleration(_ range: Range<Int>) -> Int? {
        range.first { i in !(ax[i].isFinite && ay[i].isFinite && az[i].isFinite) }
    }
}
