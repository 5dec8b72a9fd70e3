/// The ranks of a simulation spread over processes that MPI started
/// (`mpirun -np P logbook simulate --mode mpi`): what the ring needs of
/// them, so LogbookSim never imports MPI. Rank 0 alone records.
public protocol Communicator: AnyObject {
    /// This process's rank, 0..<size.
    var rank: Int { get }
    var size: Int { get }
    /// Rank 0's `bytes` on every rank (`bytes` is replaced on the others).
    func broadcast(_ bytes: inout [UInt8]) throws
    /// Sends `outgoing` to rank + 1 and returns the `count` bytes rank − 1
    /// sent: one stage of the ring, non-blocking on both sides, so no size
    /// of block can make the ring wait on itself.
    func shift(_ outgoing: [UInt8], receiving count: Int) throws -> [UInt8]
    func send(_ bytes: [UInt8], to rank: Int) throws
    func receive(_ count: Int, from rank: Int) throws -> [UInt8]
    /// Seconds spent in `shift` so far: the ring's communication.
    var exchangeSeconds: Double { get }
    /// True once another rank was asked to stop (a SIGTERM): the run stops
    /// as it would on this rank's own.
    var stopAsked: Bool { get }
}

extension Communicator {
    /// Refuses more ranks than particles: each rank needs one.
    public func requireRanks(for particles: Int) throws {
        guard size > particles else { return }
        throw SimulationError(
            .options, "mpirun started \(size) ranks for \(particles) particles; each needs at least one")
    }
}

/// `mpi` mode on rank 0: the coordinator, and member 0 of the ring too.
final class CommunicatorRing: RingLink {
    private let communicator: any Communicator
    private var member: RingMember?
    private var ownReply: [UInt8] = []
    var workers: Int { communicator.size }

    init(_ communicator: any Communicator, particles: Int) throws {
        try communicator.requireRanks(for: particles)
        self.communicator = communicator
    }

    func send(setup: [UInt8]) throws {
        var message = setup
        try communicator.broadcast(&message)
        let member = RingMember(me: 0, setup: setup)
        self.member = member
        ownReply = member.start()
    }

    func command(_ command: RingCommand, _ argument: Int) throws {
        let message = command.message(argument)
        var sent = message
        try communicator.broadcast(&sent)
        ownReply = try member?.obey(message, shift: communicator.shift) ?? []
    }

    func replies(bytes: (Int) -> Int) throws -> [[UInt8]] {
        try [ownReply] + (1..<communicator.size).map { rank in try communicator.receive(bytes(rank), from: rank) }
    }

    /// Tells the other ranks to exit; after a failure that cannot reach
    /// them, mpirun ends them.
    func shutDown() { try? command(.exit, 0) }
}

/// `mpi` mode on ranks other than 0: a member of the ring obeying rank 0.
public enum CommunicatorRank: Sendable {
    /// Serves rank 0 until told to exit; returns the exit status. An empty
    /// setup means rank 0 stopped before the ring began (a bad input):
    /// nothing to do, and rank 0 says why.
    public static func serve(_ communicator: any Communicator) -> Int32 {
        do {
            var setup: [UInt8] = []
            try communicator.broadcast(&setup)
            guard !setup.isEmpty else { return 0 }
            let member = RingMember(me: communicator.rank, setup: setup)
            try communicator.send(member.start(), to: 0)
            while true {
                var command: [UInt8] = []
                try communicator.broadcast(&command)
                guard let reply = try member.obey(command, shift: communicator.shift) else { return 0 }
                try communicator.send(reply, to: 0)
            }
        } catch {
            return RingWorker.failed
        }
    }
}
