public import ArgumentParser
import Foundation
public import LogbookCompare

extension RunReference: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension Plane: ExpressibleByArgument {}

/// When two simulations count as diverged; shared by `diff` and `report --diff`.
struct ToleranceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Largest |Δposition| or |Δvelocity| that is not divergence.", valueName: "absolute"))
    var tolerance: Double = 0
    @Option(help: ArgumentHelp("Also allow this fraction of the value in A: |Δ| ≤ absolute + relative × |A|.",
                               valueName: "fraction"))
    var relativeTolerance: Double = 0

    var value: SimulationDiff.Tolerance { .init(absolute: tolerance, relative: relativeTolerance) }

    func validate() throws {
        guard tolerance >= 0, relativeTolerance >= 0, tolerance.isFinite, relativeTolerance.isFinite else {
            throw ValidationError("--tolerance and --relative-tolerance must be finite and 0 or more")
        }
    }
}

extension RunReference {
    /// Opens the run in its own file, else in `path`.
    func open(default path: String) throws -> RunReader {
        try RunReader(path: self.path ?? path, id: id)
    }
}

/// Writes `text` to `path` whole or not at all ("-" is standard output).
func writeOutput(_ text: String, to path: String) throws {
    if path == "-" {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw ValidationError("cannot write \(path): \((error as NSError).localizedDescription)")
    }
}
