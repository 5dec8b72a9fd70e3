import ArgumentParser
import CrawlSchema
import Foundation
import LogbookCompare
import LogbookStore
import SimulationSchema

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs of the same kind: links that broke, trajectories that diverged.",
        discussion: """
            A and B are run ids (`logbook runs` lists them; its `later` column names the next run \
            of the same site or particles), or PATH:ID for a run in another file. Crawls: newly \
            dead links with the pages linking to them, fixed links, changed outcomes, pages added \
            and removed. Simulations of the same particle count: per common recorded step the max \
            and RMS |Δposition| and |Δvelocity|, the first step beyond the tolerance, and each \
            run's energy drift. Exit 0: no regression; 1: B regressed (newly dead links, or \
            divergence beyond the tolerance); 2: bad usage (unknown run, a crawl against a \
            simulation); 3: an unreadable file. Files are opened read-only, so B may still be running.
            """)

    @OptionGroup var database: DatabaseOption
    @OptionGroup var configFile: ConfigFileOption
    @Option(
        name: .customLong("db-b"), help: ArgumentHelp("The file B is in (default: the --db file).", valueName: "path"))
    var databaseB: String?
    @OptionGroup var tolerance: ToleranceOptions
    @Option(help: "text or json; for crawls also csv, markdown, github, junit or sarif.") var format: DiffFormat = .text
    @Option(
        help: ArgumentHelp(
            "Write the comparison to this file (replaced whole) instead of standard output.", valueName: "file"))
    var output: OutputFile?
    @Argument(help: "The baseline run: ID or PATH:ID.") var a: RunReference
    @Argument(help: "The run to check: ID or PATH:ID.") var b: RunReference

    /// text and json for both kinds; the findings formats (as crawl's) for crawls only.
    enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv, markdown, github, junit, sarif
    }

    func validate() throws { try output?.asFindingsOutput.requirePath() }

    func run() throws {
        let first = try a.open(default: database.path)
        let second = try b.open(default: databaseB ?? database.path)
        let databases = [first.location, second.location]
        let regressed: Bool
        switch first.run.kind {
        case .crawl:
            let diff = try CrawlDiff(first, second)
            try writeOutput(to: output, sparing: databases) { stream in
                guard format != .text, format != .json else {
                    return try show(diff, text: diff.text, regressed: diff.regressed, to: stream)
                }
                let buffered = BufferedOutput(stream)
                try diff.write(format, to: buffered, stream: stream)
                try buffered.flush()
            }
            regressed = diff.regressed
        case .simulation:
            try RunReader.require(.simulation, first, second)
            guard format == .text || format == .json else {
                throw ConfigFile.usageError(
                    "format", "diff --format \(format.rawValue) is for crawls; a simulation diff is text or json")
            }
            let diff = try SimulationDiff(first, second, tolerance: try tolerance.value)
            try writeOutput(to: output, sparing: databases) {
                try show(diff, text: diff.text, regressed: diff.regressed, to: $0)
            }
            regressed = diff.regressed
        default:
            throw first.unknownKind
        }
        if regressed { throw ExitCode(ExitStatus.findings) }
    }

    /// The diff as text or json.
    private func show(
        _ diff: some Encodable & Sendable, text: String, regressed: Bool, to stream: StandardStream
    ) throws {
        if format == .text {
            try stream.write(text + "\n")
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let data = try encoder.encode(DiffDocument(regressed: regressed, diff: diff))
            try stream.write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}

/// `diff --format json`: the verdict beside the comparison.
private struct DiffDocument<Diff: Encodable & Sendable>: Encodable, Sendable {
    let regressed: Bool
    let diff: Diff
}
