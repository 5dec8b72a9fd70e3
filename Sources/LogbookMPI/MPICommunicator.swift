internal import CMPI
import Foundation
public import LogbookSim

/// `Communicator` over Open MPI's world: the only Swift that faces MPI.
/// Used from the thread that initialised MPI (MPI_THREAD_FUNNELED).
///
/// Open MPI never tells the survivors that a rank died: their calls wait
/// forever, and mpirun sends them SIGTERM about a second later, then
/// SIGKILL. So every wait here is non-blocking and polled, and once a stop
/// is asked (that SIGTERM, or a user's) every rank but 0 sends rank 0 a
/// notice. A rank that sent none while rank 0 still waits is the one that
/// died: rank 0 names it, and the run is marked failed before the SIGKILL.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public private(set) var exchangeSeconds = 0.0
    private let stopRequested: () -> Bool
    /// Rank 0: ranks that sent a notice, and when it first saw a stop.
    private var heard: Set<Int> = []
    private var stopSeen: Double?
    /// The longest wait that ended: a step's length, give or take.
    private var longestWait = 0.0
    private var noticeSent = false
    private var broadcasts = 0
    /// Set when a rank stopped answering: nothing more can be sent.
    private var broken: SimulationError?

    private static let dataTag: Int32 = 1, noticeTag: Int32 = 2

    /// True when this process was started by mpirun (or another PMIx launcher).
    public static var isLaunched: Bool { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil }

    /// Initialises MPI; errors are returned, not fatal, so they can be named.
    public init(stopRequested: @escaping () -> Bool) throws {
        var provided: Int32 = 0
        try Self.check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided), "MPI_Init_thread")
        try Self.check(MPI_Comm_set_errhandler(CMPI_commWorld(), CMPI_errorsReturn()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(CMPI_commWorld(), &rank)
        MPI_Comm_size(CMPI_commWorld(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
        self.stopRequested = stopRequested
    }

    /// Ends this rank's part. Rank 0 that never began the ring tells the
    /// others there is nothing to do. After a rank died MPI cannot finish
    /// (it would wait for the dead): the process just exits, and mpirun
    /// ends the rest.
    public func finish() {
        if rank == 0, broadcasts == 0, broken == nil {
            var nothing: [UInt8] = []
            try? broadcast(&nothing)
        }
        if broken == nil { MPI_Finalize() }
    }

    public func broadcast(_ bytes: inout [UInt8]) throws {
        broadcasts += 1
        var count = Int64(bytes.count)
        try withUnsafeMutableBytes(of: &count) { length in
            try wait("a broadcast from rank 0") {
                MPI_Ibcast(length.baseAddress, 8, CMPI_byte(), 0, CMPI_commWorld(), &$0)
            }
        }
        if rank != 0 { bytes = [UInt8](repeating: 0, count: Int(count)) }
        guard count > 0 else { return }
        try bytes.withUnsafeMutableBytes { buffer in
            try wait("a broadcast from rank 0") {
                MPI_Ibcast(buffer.baseAddress, Int32(count), CMPI_byte(), 0, CMPI_commWorld(), &$0)
            }
        }
    }

    public func shift(_ outgoing: [UInt8], receiving count: Int) throws -> [UInt8] {
        let started = MPI_Wtime()
        defer { exchangeSeconds += MPI_Wtime() - started }
        var incoming = [UInt8](repeating: 0, count: count)
        let next = (rank + 1) % size, previous = (rank + size - 1) % size
        try outgoing.withUnsafeBytes { out in
            try incoming.withUnsafeMutableBytes { into in
                try wait("the ring's exchange with ranks \(previous) and \(next)") { request in
                    MPI_Irecv(
                        into.baseAddress, Int32(into.count), CMPI_byte(), Int32(previous), Self.dataTag,
                        CMPI_commWorld(), &request)
                } and: { request in
                    MPI_Isend(
                        out.baseAddress, Int32(out.count), CMPI_byte(), Int32(next), Self.dataTag, CMPI_commWorld(),
                        &request)
                }
            }
        }
        return incoming
    }

    public func send(_ bytes: [UInt8], to peer: Int) throws {
        try bytes.withUnsafeBytes { out in
            try wait("a reply to rank \(peer)") {
                MPI_Isend(
                    out.baseAddress, Int32(out.count), CMPI_byte(), Int32(peer), Self.dataTag, CMPI_commWorld(), &$0)
            }
        }
    }

    public func receive(_ count: Int, from peer: Int) throws -> [UInt8] {
        var incoming = [UInt8](repeating: 0, count: count)
        try incoming.withUnsafeMutableBytes { into in
            try wait("a reply from rank \(peer)") {
                MPI_Irecv(
                    into.baseAddress, Int32(into.count), CMPI_byte(), Int32(peer), Self.dataTag, CMPI_commWorld(), &$0)
            }
        }
        return incoming
    }

    /// Starts one or two requests and polls them until both are done,
    /// watching for a stop meanwhile (see the type's comment).
    private func wait(
        _ what: String, _ first: (inout MPI_Request?) -> Int32, and second: ((inout MPI_Request?) -> Int32)? = nil
    ) throws {
        if let broken { throw broken }
        var requests: [MPI_Request?] = [CMPI_requestNull(), CMPI_requestNull()]
        try Self.check(first(&requests[0]), what)
        if let second { try Self.check(second(&requests[1]), what) }
        let started = MPI_Wtime()
        var done: Int32 = 0
        while true {
            try Self.check(MPI_Testall(2, &requests, &done, CMPI_statusesIgnore()), what)
            if done != 0 { break }
            if stopRequested() { try stopping(while: what) }
            sched_yield()
        }
        longestWait = max(longestWait, MPI_Wtime() - started)
    }

    /// A stop is asked while waiting: ranks but 0 send their notice once;
    /// rank 0 collects notices and, past a grace period, names the ranks
    /// that sent none.
    private func stopping(while what: String) throws {
        if rank != 0 {
            guard !noticeSent else { return }
            noticeSent = true
            var request = CMPI_requestNull()
            // No payload: the notice's source says who is alive.
            try Self.check(
                MPI_Isend(nil, 0, CMPI_byte(), 0, Self.noticeTag, CMPI_commWorld(), &request), "a notice to rank 0")
            MPI_Request_free(&request)
            return
        }
        let now = MPI_Wtime()
        if stopSeen == nil { stopSeen = now }
        var pending: Int32 = 0
        var status = MPI_Status()
        while MPI_Iprobe(MPI_ANY_SOURCE, Self.noticeTag, CMPI_commWorld(), &pending, &status) == MPI_SUCCESS,
            pending != 0
        {
            MPI_Recv(nil, 0, CMPI_byte(), status.MPI_SOURCE, Self.noticeTag, CMPI_commWorld(), CMPI_statusIgnore())
            heard.insert(Int(status.MPI_SOURCE))
        }
        guard let stopSeen, now - stopSeen > max(0.3, 2 * longestWait) else { return }
        let silent = (1..<size).filter { !heard.contains($0) }
        guard !silent.isEmpty else { return }
        let named = silent.count == 1 ? "rank \(silent[0])" : "ranks \(silent.map(String.init).joined(separator: ", "))"
        let error = SimulationError(
            .worker,
            "\(named) stopped answering while rank 0 waited for \(what) (mpirun's messages say how it ended); the simulation cannot go on"
        )
        broken = error
        throw error
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard code != MPI_SUCCESS else { return }
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING))
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw SimulationError(.worker, "MPI failed in \(call): \(message)")
    }
}

@available(*, unavailable)
extension MPICommunicator: Sendable {}
