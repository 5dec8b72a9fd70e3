/// The ranks of a simulation spread over processes that MPI started
/// (`mpirun -np P logbook simulate --mode mpi`): what the ring needs of
/// them, so LogbookSim never imports MPI. Rank 0 alone records.
public protocol Communicator: AnyObject {
    /// This process's rank, 0..<size.
    var rank: Int { get }
    var size: Int { get }
    /// Rank 0's `bytes` on every rank (`bytes` is replaced on the others).
    func broadcast(_ bytes: inout [UInt8]) throws
    /// Sends `outgoing` to rank + 1 and returns what rank − 1 sent, `count`
    /// bytes: one stage of the ring, non-blocking on both sides, so no size
    /// of block can make the ring wait on itself.
    func shift(_ outgoing: [UInt8], receiving count: Int) throws -> [UInt8]
    /// Seconds spent waiting for other ranks so far.
    var waitingSeconds: Double { get }
}
