import Foundation

/// Progress on stderr: on a terminal a live line redrawn at most five times
/// a second; otherwise (a log, CI) a plain line every ten seconds; nothing
/// with --quiet.
final class ProgressDisplay {
    private enum Mode { case live, periodic, off }

    private let mode: Mode
    private var lastDrawn = ContinuousClock.now
    private var drawn = false

    init(quiet: Bool) {
        mode = quiet ? .off : isatty(STDERR_FILENO) == 1 ? .live : .periodic
    }

    /// Shows what `text` makes, unless a line was shown moments ago.
    func show(_ text: @autoclosure () -> String) {
        let interval: Duration = mode == .live ? .milliseconds(200) : .seconds(10)
        guard mode != .off, ContinuousClock.now - lastDrawn > interval else { return }
        lastDrawn = .now
        drawn = true
        let line = mode == .live ? "\r\u{1B}[K\(text())" : "\(text())\n"
        StandardStream.error.writeIgnoringFailure(line)
    }

    /// Removes the live line before the summary is printed.
    func clear() {
        if mode == .live, drawn { StandardStream.error.writeIgnoringFailure("\r\u{1B}[K") }
    }
}
