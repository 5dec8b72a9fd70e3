import Foundation
import LogbookSim

/// A live progress line on a terminal's stderr, redrawn at most five times a
/// second; nothing when stderr is not a terminal or with --quiet.
final class ProgressDisplay {
    private let enabled: Bool
    private var lastDrawn = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    func show(_ progress: SimulationProgress) {
        guard enabled, ContinuousClock.now - lastDrawn > .milliseconds(200) || progress.step == progress.lastStep else { return }
        lastDrawn = .now
        drawn = true
        let line = String(format: "step %d/%d  %.0f steps/s  %.3g interactions/s  energy drift %.3g",
                          progress.step, progress.lastStep, progress.stepsPerSecond,
                          progress.interactionsPerSecond, progress.energyDrift)
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    func clear() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
