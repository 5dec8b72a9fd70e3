import Glibc
import SimulationSchema

/// `processes` and `mpi` modes, coordinator side: W members joined in a
/// ring, worker processes over pipes (`PipeRing`) or MPI's ranks
/// (`CommunicatorRing`). Each member owns a contiguous range of particles.
/// Each step it moves them, then the ranges' positions travel around the
/// ring one stage per round until every member holds every position, and
/// each computes its own particles' accelerations, summing sources in index
/// order like every other mode.
///
/// The coordinator sends commands to every member and reads findings,
/// frames and acknowledgements back. Over pipes it never touches the ring;
/// a worker that dies closes its pipes, and the coordinator sees end of
/// file, kills the rest and names the one that died.
struct RingStepper {
    let particles: Particles
    let physics: Physics
    let ring: any RingLink

    func run(_ coordinator: StepCoordinator) throws {
        defer { ring.shutDown() }
        let plan = coordinator.plan
        try ring.send(setup: RingMember.setup(particles, physics: physics, step: plan.first, workers: ring.workers))
        var check = try ring.readChecks()
        var step = plan.first
        while true {
            let decision = try coordinator.decide(after: step, check: check) { at in
                try ring.frame(at: at, template: particles, physics: physics)
            }
            switch decision {
            case .proceed:
                try ring.command(.step, plan.records(step + 1) ? 1 : 0)
                step += 1
                check = try ring.readChecks()
            case .stop:
                return
            case .recordThenStop(let last):
                try ring.command(.potentials, last)
                _ = try ring.readChecks()
                coordinator.finish(with: try ring.frame(at: last, template: particles, physics: physics))
                return
            }
        }
    }
}

/// The coordinator's side of a ring: worker processes over pipes, or MPI's
/// ranks. Members reply to every command but `exit`, in member order.
protocol RingLink: AnyObject {
    var workers: Int { get }
    /// Sends every member `RingMember.setup`'s message; each replies a check.
    func send(setup: [UInt8]) throws
    func command(_ command: RingCommand, _ argument: Int) throws
    /// Each member's reply, `bytes(member)` long.
    func replies(bytes: (Int) -> Int) throws -> [[UInt8]]
    /// Ends every member; after a failure too.
    func shutDown()
}

extension RingLink {
    /// Every member's findings after a step, merged.
    func readChecks() throws -> PhaseCheck {
        try replies { _ in 16 }.reduce(PhaseCheck.clean) { merged, reply in
            var reader = WireReader(reply)
            let (state, acceleration) = (reader.int(), reader.int())
            return merged.merged(
                with: PhaseCheck(
                    badState: state < 0 ? nil : state, badAcceleration: acceleration < 0 ? nil : acceleration))
        }
    }

    /// The state of `step` gathered from every member.
    func frame(at step: Int, template: Particles, physics: Physics) throws -> Frame {
        try command(.report, step)
        let ranges = partition(template.count, into: workers)
        let parts = try replies { 7 * 8 * ranges[$0].count }
        let buffers = ParticleBuffers(template, step: step)
        for (member, part) in parts.enumerated() {
            var reader = WireReader(part)
            buffers.load(
                reader.doubles(7 * ranges[member].count), into: ranges[member], step: step, withVelocities: true)
        }
        return Frame(
            step: step, time: Double(step) * physics.dt,
            particles: buffers.particles(at: step, template: template),
            potential: buffers.potentialEnergy(gravity: physics.gravity))
    }
}

/// Commands down the control pipes; the first value of every message.
enum RingCommand: Int {
    case exit = 0
    /// Advance one step (argument: 1 to compute potentials); reply a check.
    case step = 1
    /// Reply own range of a step's state and potentials (argument: the step).
    case report = 2
    /// Compute potentials for a step's state (argument: the step); reply a check.
    case potentials = 3

    /// Bytes of a command message: the command's code, then its argument.
    static let messageBytes = 16

    func message(_ argument: Int) -> [UInt8] {
        var message = WireWriter()
        message.append(rawValue)
        message.append(argument)
        return message.bytes
    }
}

/// The coordinator's handles on its worker processes.
final class PipeRing: RingLink {
    let workers: Int
    private var pids: [pid_t] = []
    private var control: [Int32] = []
    private var results: [Int32] = []

    init(executable: String, workers: Int) throws {
        ProcessIO.ignoreBrokenPipes()
        self.workers = workers
        // links[w] carries positions from worker w to worker w + 1.
        let links = try (0..<workers).map { _ in try ProcessIO.pipe() }
        defer {
            links.forEach {
                ProcessIO.close($0.read); ProcessIO.close($0.write)
            }
        }
        do {
            for w in 0..<workers {
                let commands = try ProcessIO.pipe(), replies = try ProcessIO.pipe()
                defer { ProcessIO.close(commands.read); ProcessIO.close(replies.write) }
                control.append(commands.write)
                results.append(replies.read)
                let previous = links[(w + workers - 1) % workers]
                pids.append(
                    try ProcessIO.spawn(
                        [executable, "ring-worker"],
                        fds: [commands.read, replies.write, previous.read, links[w].write]))
            }
        } catch {
            shutDown()
            throw error
        }
    }

    func send(setup: [UInt8]) throws {
        for w in 0..<workers {
            var me = WireWriter()
            me.append(w)
            try write(w, me.bytes + setup)
        }
    }

    func command(_ command: RingCommand, _ argument: Int) throws {
        let message = command.message(argument)
        for w in 0..<workers { try write(w, message) }
    }

    func replies(bytes: (Int) -> Int) throws -> [[UInt8]] {
        try (0..<workers).map { w in try read(w, count: bytes(w)) }
    }

    /// Ends every worker: politely when they are all alive, by SIGKILL otherwise.
    func shutDown() {
        let exit = RingCommand.exit.message(0)
        for fd in control { try? ProcessIO.write(fd, exit) }
        control.forEach(ProcessIO.close)
        results.forEach(ProcessIO.close)
        control = []
        results = []
        pids.forEach { _ = ProcessIO.wait($0) }
        pids = []
    }

    private func write(_ worker: Int, _ bytes: [UInt8]) throws {
        do { try ProcessIO.write(control[worker], bytes) } catch { throw died() }
    }

    private func read(_ worker: Int, count: Int) throws -> [UInt8] {
        do { return try ProcessIO.read(results[worker], count: count) } catch { throw died() }
    }

    /// The error for a broken ring: names the worker that ended on its own
    /// (rather than of its neighbour's death), then kills the rest.
    private func died() -> SimulationError {
        let peerGone = "exited with status \(RingWorker.peerGone)"
        var endings: [String?] = pids.map { _ in nil }
        for _ in 0..<100 {
            for w in pids.indices where endings[w] == nil { endings[w] = ProcessIO.ended(pids[w]) }
            if endings.contains(where: { $0 != nil && $0 != peerGone }) { break }
            usleep(10_000)
        }
        for w in pids.indices where endings[w] == nil {
            ProcessIO.kill(pids[w])
            _ = ProcessIO.wait(pids[w])
        }
        pids = []
        let culprit = endings.firstIndex { $0 != nil && $0 != peerGone } ?? endings.firstIndex { $0 != nil }
        guard let culprit, let ending = endings[culprit] else {
            return SimulationError(.worker, "a ring worker stopped answering; the simulation cannot go on")
        }
        return SimulationError(.worker, "ring worker \(culprit) \(ending); the simulation cannot go on")
    }
}
