internal import CMPI
import Foundation
public import LogbookSim

/// Why an MPI call failed, naming it and the rank it waited on.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// `Communicator` over Open MPI's world: the only Swift that faces MPI.
/// Used from the thread that initialised MPI (MPI_THREAD_FUNNELED).
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public private(set) var waitingSeconds = 0.0

    /// Initialises MPI; errors are returned, not fatal, so they can be named.
    public init() throws {
        var provided: Int32 = 0
        try Self.check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided), "MPI_Init_thread")
        try Self.check(MPI_Comm_set_errhandler(CMPI_commWorld(), CMPI_errorsReturn()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(CMPI_commWorld(), &rank)
        MPI_Comm_size(CMPI_commWorld(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    deinit { MPI_Finalize() }

    public func broadcast(_ bytes: inout [UInt8]) throws {
        var count = Int64(bytes.count)
        try timed {
            try Self.check(MPI_Bcast(&count, 8, CMPI_byte(), 0, CMPI_commWorld()), "MPI_Bcast of a length from rank 0")
        }
        if rank != 0 { bytes = [UInt8](repeating: 0, count: Int(count)) }
        try timed {
            try bytes.withUnsafeMutableBytes {
                try Self.check(
                    MPI_Bcast($0.baseAddress, Int32(count), CMPI_byte(), 0, CMPI_commWorld()), "MPI_Bcast from rank 0")
            }
        }
    }

    public func shift(_ outgoing: [UInt8], receiving count: Int) throws -> [UInt8] {
        var incoming = [UInt8](repeating: 0, count: count)
        let next = Int32((rank + 1) % size), previous = Int32((rank + size - 1) % size)
        try timed {
            try outgoing.withUnsafeBytes { out in
                try incoming.withUnsafeMutableBytes { into in
                    try Self.check(
                        MPI_Sendrecv(
                            out.baseAddress, Int32(out.count), CMPI_byte(), next, 1, into.baseAddress,
                            Int32(into.count), CMPI_byte(), previous, 1, CMPI_commWorld(), CMPI_statusIgnore()),
                        "MPI_Sendrecv to rank \(next), from rank \(previous)")
                }
            }
        }
        return incoming
    }

    private func timed(_ body: () throws -> Void) rethrows {
        let start = MPI_Wtime()
        defer { waitingSeconds += MPI_Wtime() - start }
        try body()
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard code != MPI_SUCCESS else { return }
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING))
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw MPIError(description: "\(call) failed: \(message)")
    }
}

@available(*, unavailable)
extension MPICommunicator: Sendable {}
