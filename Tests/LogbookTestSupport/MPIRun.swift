import Foundation

/// Open MPI's launcher, for the `--mode mpi` tests: nil where it is not installed.
public let mpirunPath: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// `mpirun`'s arguments to run the built logbook on `ranks` ranks: more
/// ranks than cores allowed, waiting ranks yielding their core, and
/// Open MPI's consent to run as root (tests in containers run as root).
public func mpirunArguments(_ ranks: Int, _ logbookArguments: [String], options: [String] = []) -> [String] {
    if getuid() == 0 {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1)
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1)
    }
    return ["--oversubscribe", "-np", "\(ranks)", "--mca", "mpi_yield_when_idle", "1"] + options
        + [builtProduct("logbook")] + logbookArguments
}

/// Runs the built logbook under mpirun on `ranks` ranks.
@discardableResult
public func mpirun(
    _ ranks: Int, _ logbookArguments: [String], timeout: Duration = .seconds(300)
) throws
    -> ProcessResult
{
    try runProcess(mpirunPath ?? "mpirun", mpirunArguments(ranks, logbookArguments), timeout: timeout)
}

/// Processes whose command line names `text` (a test's database path), with
/// their MPI rank when mpirun started them: ranks can be found and killed,
/// and a test can see that none is left.
public func processes(naming text: String) -> [(pid: Int32, rank: Int?)] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> (pid: Int32, rank: Int?)? in
        guard let pid = Int32(entry), pid != getpid(),
            let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
            String(decoding: commandLine, as: UTF8.self).contains(text)
        else { return nil }
        let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ") ?? Data()
        let rank = String(decoding: environment, as: UTF8.self).split(separator: "\0")
            .first { $0.hasPrefix("OMPI_COMM_WORLD_RANK=") }
            .flatMap { Int($0.dropFirst("OMPI_COMM_WORLD_RANK=".count)) }
        return (pid, rank)
    }
}

/// mpirun started in the background, with SIGINT and SIGTERM unblocked and
/// at their default: a test runner's thread may block them, and mpirun,
/// unlike logbook, does not unblock what it inherits.
public func mpirunChild(_ ranks: Int, _ logbookArguments: [String]) throws -> ChildProcess {
    let unblocking = """
        import os, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        for s in (signal.SIGINT, signal.SIGTERM): signal.signal(s, signal.SIG_DFL)
        os.execv(sys.argv[1], sys.argv[1:])
        """
    return try ChildProcess(
        "/usr/bin/python3", ["-c", unblocking, mpirunPath ?? "mpirun"] + mpirunArguments(ranks, logbookArguments))
}
