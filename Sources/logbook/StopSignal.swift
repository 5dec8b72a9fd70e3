import Glibc
import LogbookStore
import Synchronization

/// Ctrl-C and SIGTERM ask a running command to stop at its next safe point
/// (after the current step), record where it is, and exit. A second signal
/// ends the process at once.
enum StopSignal {
    private static let flag = Atomic<Bool>(false)

    static func requested() -> Bool { flag.load(ordering: .relaxed) }

    /// Runs `body` with SIGINT and SIGTERM turned into a stop request.
    static func handled<T>(_ body: () throws -> T) throws -> T {
        // A parent may have started us with these blocked; we want them.
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for signal in [SIGINT, SIGTERM] { sigaddset(&wanted, signal) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        // Without SA_RESTART, a write(2) blocked on a stalled reader returns
        // EINTR, so `writeAll` can give up (`signal()` would restart it).
        // SA_RESETHAND puts the default back: a second signal ends the process.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in StopSignal.flag.store(true, ordering: .relaxed) }
        action.sa_flags = Int32(bitPattern: SA_RESETHAND)
        sigemptyset(&action.sa_mask)
        for signal in [SIGINT, SIGTERM] { sigaction(signal, &action, nil) }
        defer { for signal in [SIGINT, SIGTERM] { Glibc.signal(signal, SIG_DFL) } }
        return try body()
    }
}

/// Runs a recorded command's `work` with Ctrl-C and SIGTERM turned into a
/// stop request and a progress display, then closes `recorder`, so that
/// everything sent is committed before the summary is printed.
func recording<T>(into recorder: Recorder, quiet: Bool, _ work: (ProgressDisplay) throws -> T) throws -> T {
    let display = ProgressDisplay(quiet: quiet)
    let result = try StopSignal.handled { try work(display) }
    display.clear()
    try recorder.close()
    return result
}
