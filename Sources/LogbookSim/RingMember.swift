import SimulationSchema

/// One member of a ring (`processes` and `mpi` modes): its range of
/// particles, a copy of every particle's state, and the commands it obeys.
/// A pipe worker and an MPI rank run this same code, so they compute alike.
final class RingMember {
    /// Bytes of the setup message's fixed part, before the particles.
    static let headerBytes = 7 * 8

    let me: Int
    private let ranges: [Range<Int>]
    private let physics: Physics
    private let buffers: ParticleBuffers
    private var step: Int
    private var range: Range<Int> { ranges[me] }

    /// The setup message for `workers` members starting at `step`.
    static func setup(_ particles: Particles, physics: Physics, step: Int, workers: Int) -> [UInt8] {
        var message = WireWriter()
        [workers, particles.count, step, physics.integrator == .euler ? 0 : 1].forEach { message.append($0) }
        [physics.gravity, physics.softening, physics.dt].forEach { message.append($0) }
        [particles.mass, particles.x, particles.y, particles.z, particles.vx, particles.vy, particles.vz]
            .forEach { message.append($0) }
        return message.bytes
    }

    /// Bytes of the particles that follow a setup message's `header`.
    static func particleBytes(after header: [UInt8]) -> Int {
        var reader = WireReader(header)
        _ = reader.int()
        return 7 * 8 * reader.int()
    }

    /// Member `me` of the ring a `setup` message describes.
    init(me: Int, setup: [UInt8]) {
        var message = WireReader(setup)
        let (workers, count, first) = (message.int(), message.int(), message.int())
        let integrator: Integrator = message.int() == 0 ? .euler : .leapfrog
        physics = Physics(
            gravity: message.double(), softening: message.double(), dt: message.double(), integrator: integrator)
        let particles = Particles(
            mass: message.doubles(count), x: message.doubles(count), y: message.doubles(count),
            z: message.doubles(count), vx: message.doubles(count), vy: message.doubles(count),
            vz: message.doubles(count))
        self.me = me
        ranges = partition(count, into: workers)
        buffers = ParticleBuffers(particles, step: first)
        step = first
    }

    /// The first reply: the check of the starting state's accelerations.
    func start() -> [UInt8] {
        buffers.accelerate(range, step: step, gravity: physics.gravity, softening: physics.softening, potential: true)
        return Self.reply(PhaseCheck(badAcceleration: buffers.firstNonFiniteAcceleration(range)))
    }

    /// Obeys a command message (`RingCommand.message`) and returns the
    /// reply, or nil for `exit`. `shift(outgoing, count)` sends to the next
    /// member and returns the `count` bytes the previous one sent.
    func obey(_ message: [UInt8], shift: ([UInt8], Int) throws -> [UInt8]) throws -> [UInt8]? {
        var reader = WireReader(message)
        let (code, argument) = (reader.int(), reader.int())
        switch RingCommand(rawValue: code) {
        case .exit:
            return nil
        case .step:
            buffers.writePhase(range, step: step, physics: physics)
            try share(step + 1, shift: shift)
            step += 1
            buffers.readPhase(range, step: step, physics: physics, potential: argument == 1)
            return Self.reply(buffers.check(range, step: step))
        case .report:
            var message = WireWriter()
            message.append(buffers.export(range, step: argument, withVelocities: true))
            return message.bytes
        case .potentials:
            buffers.accelerate(
                range, step: argument, gravity: physics.gravity, softening: physics.softening, potential: true)
            return Self.reply(.clean)
        case nil:
            throw SimulationError(.worker, "unknown ring command \(code)")
        }
    }

    /// Passes positions of `step` around the ring until this member has them all.
    private func share(_ step: Int, shift: ([UInt8], Int) throws -> [UInt8]) throws {
        let workers = ranges.count
        var outgoing = buffers.export(range, step: step, withVelocities: false)
        for round in 0..<(workers - 1) {
            let origin = (me - round - 1 + workers) % workers
            var message = WireWriter()
            message.append(outgoing)
            var incoming = WireReader(try shift(message.bytes, 3 * 8 * ranges[origin].count))
            outgoing = incoming.doubles(3 * ranges[origin].count)
            buffers.load(outgoing, into: ranges[origin], step: step, withVelocities: false)
        }
    }

    private static func reply(_ check: PhaseCheck) -> [UInt8] {
        var message = WireWriter()
        message.append(check.badState ?? -1)
        message.append(check.badAcceleration ?? -1)
        return message.bytes
    }
}
