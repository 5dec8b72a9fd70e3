import Foundation

/// A live progress line on a terminal's stderr, redrawn at most five times a
/// second; nothing when stderr is not a terminal or with --quiet.
final class ProgressDisplay {
    private let enabled: Bool
    private var lastDrawn = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the line with what `text` makes, unless it was drawn moments ago.
    func show(_ text: @autoclosure () -> String) {
        guard enabled, ContinuousClock.now - lastDrawn > .milliseconds(200) else { return }
        lastDrawn = .now
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text())".utf8))
    }

    func clear() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
