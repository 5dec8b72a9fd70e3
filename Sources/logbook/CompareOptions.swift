public import ArgumentParser
public import LogbookCompare

extension RunReference: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension Plane: ExpressibleByArgument {}

/// When two simulations count as diverged; shared by `diff` and `report --diff`.
struct ToleranceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Largest |Δposition| or |Δvelocity| that is not divergence.", valueName: "absolute"),
        allowed: .nonNegative)
    var tolerance: Double = 0
    @Option(
        help: ArgumentHelp(
            "Also allow this fraction of the value in A: |Δ| ≤ absolute + relative × |A|.",
            valueName: "fraction"),
        allowed: .nonNegative)
    var relativeTolerance: Double = 0

    /// Both are refused as bad usage while parsing, before any file is read.
    var value: SimulationDiff.Tolerance {
        get throws { try .init(absolute: tolerance, relative: relativeTolerance) }
    }
}

extension RunReference {
    /// Opens the run in its own file, else in `path`.
    func open(default path: String) throws -> RunReader {
        try RunReader(path: self.path ?? path, id: id)
    }
}

/// The run a document is about and the file it goes to; shared by `report` and `plot`.
struct DocumentOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOption
    @Argument(help: "The run: ID or PATH:ID.") var runID: RunReference
    @Option(help: ArgumentHelp("The file to write (- for standard output).", valueName: "file"))
    var out: OutputFile

    func validate() throws {
        try out.requirePath()
    }

    func open() throws -> RunReader { try runID.open(default: database.path) }

    /// Writes `text` to `out` as `OutputFile` promises, and says where it went;
    /// `baseline` is another run the text was read from, whose file `out` must not replace.
    func write(_ text: String, baseline: RunReference? = nil) throws {
        let databases = [database.path] + [runID, baseline].compactMap { $0?.path }
        try out.write(text, sparing: databases)
        if !out.isStandardOutput { try StandardStream.output.write("wrote \(out.path)\n") }
    }
}
