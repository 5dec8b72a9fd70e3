import ArgumentParser
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
        guard MPICommunicator.isLaunched else { return try body(nil) }
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

    /// Why `--mode mpi` cannot run here, and how it can.
    static var unavailable: String {
        #if LOGBOOK_MPI
        "--mode mpi runs on the ranks mpirun starts: mpirun -np 2 logbook simulate --mode mpi …"
        #else
        "--mode mpi needs a logbook built with Open MPI (LOGBOOK_MPI=1 scripts/bootstrap; see README) and started by mpirun"
        #endif
    }

    /// Refuses a run of `mode` on more ranks than that mode uses (one).
    static func requireOne(_ communicator: (any Communicator)?, for what: String) throws {
        guard let communicator, communicator.size > 1 else { return }
        throw UsageError(
            "mpirun started \(communicator.size) copies of logbook; \(what) runs in one: use --mode mpi, or run it without mpirun"
        )
    }
}
