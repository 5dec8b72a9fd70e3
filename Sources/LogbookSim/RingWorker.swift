import SimulationSchema

/// `processes` mode, worker side: what `logbook ring-worker` runs. File
/// descriptors 3 and 4 are the control pipe from the coordinator and the
/// reply pipe to it; 5 and 6 the ring from the previous worker and to the
/// next.
public enum RingWorker: Sendable {
    /// Exit status when a neighbour or the coordinator went away first.
    public static let peerGone: Int32 = 4
    /// Exit status for anything else.
    public static let failed: Int32 = 5

    private static let (control, results, ringIn, ringOut): (Int32, Int32, Int32, Int32) = (3, 4, 5, 6)

    /// Serves the coordinator until told to exit; returns the exit status.
    public static func run() -> Int32 {
        ProcessIO.ignoreBrokenPipes()
        do {
            try serve()
            return 0
        } catch let error as SimulationError where error.code == .worker {
            return peerGone
        } catch {
            return failed
        }
    }

    private static func serve() throws {
        var header = WireReader(try ProcessIO.read(control, count: 8 * 8))
        let (workers, me, count, first) = (header.int(), header.int(), header.int(), header.int())
        let integrator: Integrator = header.int() == 0 ? .euler : .leapfrog
        let physics = Physics(
            gravity: header.double(), softening: header.double(), dt: header.double(),
            integrator: integrator)
        var arrays = WireReader(try ProcessIO.read(control, count: 7 * 8 * count))
        let particles = Particles(
            mass: arrays.doubles(count), x: arrays.doubles(count), y: arrays.doubles(count),
            z: arrays.doubles(count), vx: arrays.doubles(count), vy: arrays.doubles(count),
            vz: arrays.doubles(count))
        let buffers = ParticleBuffers(particles, step: first)
        let ranges = partition(count, into: workers)
        let range = ranges[me]

        func reply(_ check: PhaseCheck) throws {
            var message = WireWriter()
            message.append(check.badState ?? -1)
            message.append(check.badAcceleration ?? -1)
            try ProcessIO.write(results, message.bytes)
        }

        /// Passes positions of `step` around the ring until this worker has them all.
        func share(_ step: Int) throws {
            var outgoing = buffers.export(range, step: step, withVelocities: false)
            for round in 0..<(workers - 1) {
                let origin = (me - round - 1 + workers) % workers
                var message = WireWriter()
                message.append(outgoing)
                var incoming = WireReader(
                    try ProcessIO.exchange(
                        send: message.bytes, on: ringOut,
                        receive: 3 * 8 * ranges[origin].count, on: ringIn))
                outgoing = incoming.doubles(3 * ranges[origin].count)
                buffers.load(outgoing, into: ranges[origin], step: step, withVelocities: false)
            }
        }

        buffers.accelerate(range, step: first, gravity: physics.gravity, softening: physics.softening, potential: true)
        try reply(PhaseCheck(badAcceleration: buffers.firstNonFiniteAcceleration(range)))
        var step = first
        while true {
            var command = WireReader(try ProcessIO.read(control, count: 16))
            let (code, argument) = (command.int(), command.int())
            switch RingCommand(rawValue: code) {
            case .exit:
                return
            case .step:
                buffers.writePhase(range, step: step, physics: physics)
                try share(step + 1)
                step += 1
                buffers.readPhase(range, step: step, physics: physics, potential: argument == 1)
                try reply(buffers.check(range, step: step))
            case .report:
                var message = WireWriter()
                message.append(buffers.export(range, step: argument, withVelocities: true))
                try ProcessIO.write(results, message.bytes)
            case .potentials:
                buffers.accelerate(
                    range, step: argument, gravity: physics.gravity, softening: physics.softening,
                    potential: true)
                try reply(.clean)
            case nil:
                throw SimulationError(.worker, "unknown ring command \(code)")
            }
        }
    }
}
