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
        var first = WireReader(try ProcessIO.read(control, count: 8))
        let me = first.int()
        let header = try ProcessIO.read(control, count: RingMember.headerBytes)
        let particles = try ProcessIO.read(control, count: RingMember.particleBytes(after: header))
        let member = RingMember(me: me, setup: header + particles)
        try ProcessIO.write(results, member.start())
        while true {
            let command = try ProcessIO.read(control, count: RingCommand.messageBytes)
            let reply = try member.obey(command) { outgoing, count in
                try ProcessIO.exchange(send: outgoing, on: ringOut, receive: count, on: ringIn)
            }
            guard let reply else { return }
            try ProcessIO.write(results, reply)
        }
    }
}
