internal import CMPI
import Glibc
public import LogbookSim

/// `Communicator` over Open MPI's world: the only Swift that faces MPI.
/// Used from the thread that initialised MPI (MPI_THREAD_FUNNELED).
///
/// Open MPI never tells the survivors that a rank died: their calls wait
/// forever, and mpirun sends them SIGTERM about a second later, then
/// SIGKILL. So every wait here is non-blocking and polled. A rank but 0
/// that is asked to stop (that SIGTERM, or a user's) sends rank 0 a notice
/// every 0.1 s while it waits. Rank 0 stops the run on the first notice, as
/// on its own SIGTERM; and once stopping, a rank it has not heard from for
/// a grace period while it still waits is one that died: rank 0 names it,
/// and the run is marked failed before the SIGKILL.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public private(set) var exchangeSeconds = 0.0
    public private(set) var stopAsked = false
    private let stopRequested: () -> Bool
    /// Rank 0: when each rank's last notice came, and when it first saw a stop.
    private var lastHeard: [Int: Double] = [:]
    private var stopSeen: Double?
    /// The longest time between two waits' ends: a step, give or take.
    private var longestSpan = 0.0
    private var lastWaitEnded = MPI_Wtime()
    private var lastNotice: Double?
    private var broadcasts = 0
    /// Set when a rank stopped answering: nothing more can be sent.
    private var broken: SimulationError?
    /// Buffers of requests left pending by a failure: MPI may still hold
    /// their addresses, so they are never freed (the process is ending).
    private var abandoned: [Buffer] = []

    private static let dataTag: Int32 = 1, noticeTag: Int32 = 2
    private static let noticeInterval = 0.1

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
        let length = Buffer(Int64(bytes.count))
        try wait("a broadcast from rank 0", keeping: [length]) {
            MPI_Ibcast(length.address, 8, CMPI_byte(), 0, CMPI_commWorld(), &$0)
        }
        let count = Int(length.int64)
        guard count > 0 else {
            bytes = []
            return
        }
        let message = rank == 0 ? Buffer(bytes) : Buffer(count: count)
        try wait("a broadcast from rank 0", keeping: [message]) {
            MPI_Ibcast(message.address, Int32(count), CMPI_byte(), 0, CMPI_commWorld(), &$0)
        }
        if rank != 0 { bytes = message.bytes }
    }

    public func shift(_ outgoing: [UInt8], receiving count: Int) throws -> [UInt8] {
        let started = MPI_Wtime()
        defer { exchangeSeconds += MPI_Wtime() - started }
        let next = Int32((rank + 1) % size), previous = Int32((rank + size - 1) % size)
        let out = Buffer(outgoing), into = Buffer(count: count)
        try wait("the ring's exchange with ranks \(previous) and \(next)", keeping: [out, into]) {
            MPI_Irecv(into.address, Int32(count), CMPI_byte(), previous, Self.dataTag, CMPI_commWorld(), &$0)
        } and: {
            MPI_Isend(out.address, Int32(outgoing.count), CMPI_byte(), next, Self.dataTag, CMPI_commWorld(), &$0)
        }
        return into.bytes
    }

    public func send(_ bytes: [UInt8], to peer: Int) throws {
        let out = Buffer(bytes)
        try wait("a reply to rank \(peer)", keeping: [out]) {
            MPI_Isend(out.address, Int32(bytes.count), CMPI_byte(), Int32(peer), Self.dataTag, CMPI_commWorld(), &$0)
        }
    }

    public func receive(_ count: Int, from peer: Int) throws -> [UInt8] {
        let into = Buffer(count: count)
        try wait("a reply from rank \(peer)", keeping: [into]) {
            MPI_Irecv(into.address, Int32(count), CMPI_byte(), Int32(peer), Self.dataTag, CMPI_commWorld(), &$0)
        }
        return into.bytes
    }

    /// Starts one or two requests on `buffers` and polls them until both
    /// are done, watching for stops meanwhile (see the type's comment).
    private func wait(
        _ what: String, keeping buffers: [Buffer], _ first: (inout MPI_Request?) -> Int32,
        and second: ((inout MPI_Request?) -> Int32)? = nil
    ) throws {
        if let broken { throw broken }
        var requests: [MPI_Request?] = [CMPI_requestNull(), CMPI_requestNull()]
        do {
            try Self.check(first(&requests[0]), what)
            if let second { try Self.check(second(&requests[1]), what) }
            let started = MPI_Wtime()
            var done: Int32 = 0
            while true {
                try Self.check(MPI_Testall(2, &requests, &done, CMPI_statusesIgnore()), what)
                if done != 0 { break }
                try watch(waitingSince: started, for: what)
                sched_yield()
            }
        } catch {
            abandoned += buffers
            throw error
        }
        let now = MPI_Wtime()
        longestSpan = max(longestSpan, now - lastWaitEnded)
        lastWaitEnded = now
    }

    /// One poll's look at stops: a rank but 0 asked to stop sends its
    /// notice; rank 0 reads notices, and once stopping names the ranks it
    /// has not heard from within the grace period.
    private func watch(waitingSince started: Double, for what: String) throws {
        let now = MPI_Wtime()
        guard rank == 0 else {
            guard stopRequested(), now - (lastNotice ?? -.infinity) >= Self.noticeInterval else { return }
            lastNotice = now
            var request = CMPI_requestNull()
            // No payload: the notice's source says who is alive and stopping.
            try Self.check(
                MPI_Isend(nil, 0, CMPI_byte(), 0, Self.noticeTag, CMPI_commWorld(), &request), "a notice to rank 0")
            MPI_Request_free(&request)
            return
        }
        var pending: Int32 = 0
        var status = MPI_Status()
        while MPI_Iprobe(MPI_ANY_SOURCE, Self.noticeTag, CMPI_commWorld(), &pending, &status) == MPI_SUCCESS,
            pending != 0
        {
            MPI_Recv(nil, 0, CMPI_byte(), status.MPI_SOURCE, Self.noticeTag, CMPI_commWorld(), CMPI_statusIgnore())
            lastHeard[Int(status.MPI_SOURCE)] = now
            stopAsked = true
        }
        guard stopRequested() || stopAsked else { return }
        if stopSeen == nil { stopSeen = now }
        let grace = max(0.3, 2 * longestSpan)
        guard let stopSeen, now - max(started, stopSeen) > grace else { return }
        let silent = (1..<size).filter { now - (lastHeard[$0] ?? -.infinity) > grace }
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

/// Memory a request reads or writes: allocated by hand, so its address
/// stays valid for as long as the request is pending, not only inside a
/// `withUnsafeBytes` closure.
private final class Buffer {
    let address: UnsafeMutableRawPointer
    private let count: Int

    init(count: Int) {
        self.count = count
        address = .allocate(byteCount: max(count, 1), alignment: 8)
    }

    convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count)
        bytes.withUnsafeBytes { if let base = $0.baseAddress { address.copyMemory(from: base, byteCount: $0.count) } }
    }

    convenience init(_ value: Int64) {
        self.init(count: 8)
        address.storeBytes(of: value, as: Int64.self)
    }

    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: address, count: count)) }
    var int64: Int64 { address.load(as: Int64.self) }

    deinit { address.deallocate() }
}

@available(*, unavailable)
extension MPICommunicator: Sendable {}
