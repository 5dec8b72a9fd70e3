import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `--mode mpi` with ranks on two hosts: network namespaces A and B joined
/// by one veth link, mpirun in A starting B's rank through a stand-in for
/// ssh, so the ring's messages cross a network as between two machines.
@Suite(
    .serialized,
    .enabled(
        if: mpirunPath != nil && NetworkNamespace.isAvailable,
        "needs Open MPI's mpirun, root and `ip netns` with veth links (iproute2): each host is a namespace"))
struct MPITwoHostTests {
    let folder = TemporaryDirectory()
    let hosts: NamespacePair
    /// The link's /24: nothing else reaches it, so any network will do.
    let subnet = "10.78.9"

    init() throws {
        let pid = getpid()
        hosts = try NamespacePair(
            names: ["lbk-\(pid)-mpi-a", "lbk-\(pid)-mpi-b"], addresses: ["\(subnet).1", "\(subnet).2"])
    }

    @Test func ranksOnTwoHostsAgreeBitForBitWithThreads() throws {
        let steps = 30
        let run = ["--particles", "203", "--steps", "\(steps)", "--record-every", "1", "--quiet"]
        let expected = folder.file("reference.sqlite")
        let reference = try runProcess(
            builtProduct("logbook"), ["simulate", "--db", expected, "--mode", "threads", "--workers", "2"] + run,
            timeout: .seconds(120))
        #expect(reference.status == 0, "\(reference.stderr)")

        // The slots put ranks 0 and 1 on A, where mpirun runs, and rank 2 on B.
        let hostfile = folder.file("hostfile")
        try "\(hosts.addresses[0]) slots=2\n\(hosts.addresses[1]) slots=1\n"
            .write(toFile: hostfile, atomically: true, encoding: .utf8)
        let remoteShell = folder.file("remote-shell")
        try hosts.writeRemoteShell(to: remoteShell)
        let network = "\(subnet).0/24"
        let options = [
            "--hostfile", hostfile, "--mca", "plm_rsh_agent", remoteShell,
            // TCP, no shared memory: A and B share the host name and
            // /dev/shm, so vader's segments would collide (a crash in
            // mca_btl_vader.so). Ranks and mpirun use the link alone, the
            // one network A and B share.
            "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", network,
            "--mca", "oob_tcp_if_include", network,
        ]
        let database = folder.file("mpi.sqlite")
        let before = try hosts.linkBytes(on: 1)
        let result = try hosts.run(
            on: 0, mpirunPath ?? "mpirun",
            mpirunArguments(3, ["simulate", "--db", database, "--mode", "mpi"] + run, options: options),
            timeout: .seconds(120))
        let after = try hosts.linkBytes(on: 1)
        #expect(!result.timedOut && result.status == 0, "\(result.stderr)")

        let states = try RecordedStates(run: 1, in: database)
        #expect(states.steps.count == steps + 1)
        #expect(states.difference(from: try RecordedStates(run: 1, in: expected)) == nil)
        #expect(try frameTotals(in: database) == frameTotals(in: expected))
        let runs = try Connection(path: database, mode: .readOnly).runs()
        #expect(runs.map(\.status) == [.completed], "rank 0 alone records the run")

        // Each step rank 2, owning particles 135..<203, receives the
        // positions (3 doubles each) of the 135 others, and sends 136: its
        // own and then rank 1's 67..<135, on their way to rank 0. Headers
        // and every other message come on top.
        let positionBytes = 3 * 8
        #expect(after.received - before.received >= steps * positionBytes * 135, "B received the ring's positions")
        #expect(after.sent - before.sent >= steps * positionBytes * 136, "B sent the ring's positions")
    }
}
