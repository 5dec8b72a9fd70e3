import ArgumentParser
import Foundation
import LogbookSim

#if LOGBOOK_MPI
import LogbookMPI
#endif

/// `--mode mpi`: under mpirun every rank runs this same command line. Rank 0
/// runs the command, alone with the database; the others serve its ring.
enum MPIRanks {
    /// Runs `body` with MPI's ranks when mpirun started this process, with
    /// nil otherwise. Ranks other than 0 serve rank 0 instead, then exit.
    static func run(_ body: ((any Communicator)?) throws -> Void) throws {
        #if LOGBOOK_MPI
        guard copies != nil else { return try body(nil) }
        let communicator = try MPICommunicator(stopRequested: StopSignal.requested)
        guard communicator.rank == 0 else {
            let status = try StopSignal.handled { CommunicatorRank.serve(communicator) }
            communicator.finish()
            throw ExitCode(status)
        }
        defer { communicator.finish() }
        try body(communicator)
        #else
        try body(nil)
        #endif
    }

    #if LOGBOOK_MPI
    static let isAvailable = true
    #else
    static let isAvailable = false
    #endif

    /// Why `--mode mpi` cannot run here, and how it can.
    static var unavailable: String {
        isAvailable
            ? "--mode mpi runs on the ranks mpirun starts: mpirun -np 2 logbook simulate --mode mpi …"
            : "--mode mpi needs a logbook built with Open MPI (LOGBOOK_MPI=1 scripts/bootstrap; see README) and started by mpirun"
    }

    /// Copies of logbook that Open MPI's mpirun started together; nil without it.
    private static var copies: Int? { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap { Int($0) } }

    /// True for every copy mpirun started but rank 0, which alone speaks:
    /// the others' messages (the same parse error, P times) are dropped.
    static var isQuiet: Bool { (Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"] ?? "") ?? 0) != 0 }

    /// Under mpirun with more than one rank, only `simulate` and `resume`
    /// use the ranks; any other command would run once a rank.
    static func require(_ command: any ParsableCommand) throws {
        guard let copies, copies > 1 else { return }
        guard isAvailable else { throw UsageError(unavailable) }
        guard command is SimulateCommand || command is ResumeCommand else {
            throw UsageError(
                "mpirun started \(copies) copies of logbook; only simulate --mode mpi and resume use MPI's ranks: run this without mpirun"
            )
        }
    }

    /// Refuses, with `advice`, a run that uses one process when mpirun started several.
    static func requireOne(_ communicator: (any Communicator)?, _ advice: String) throws {
        guard let communicator, communicator.size > 1 else { return }
        throw UsageError("mpirun started \(communicator.size) copies of logbook; \(advice)")
    }
}
