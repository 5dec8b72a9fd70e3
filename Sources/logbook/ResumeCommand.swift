import ArgumentParser
import CrawlSchema
import LogbookCrawl
import LogbookSim
import LogbookStore
import SimulationSchema

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted crawl or simulation with its recorded settings.",
        discussion: """
            A crawl fetches again the URLs it was fetching when it stopped; a simulation restarts \
            from its last committed frame. Settings cannot be changed: they are part of what the \
            run means.
            """)

    @OptionGroup var database: DatabaseOption
    @OptionGroup var configFile: ConfigFileOption
    @Argument(help: "The run to resume (default: the latest one not completed).") var runID: Int64?
    @Flag(help: "No progress line.") var quiet = false
    @OptionGroup(title: "Shared crawls (PostgreSQL)") var lease: LeaseOption
    @Option(help: "For a crawl: text, json, csv, markdown, github, junit or sarif, as for crawl.")
    var format: CrawlCommand.Format = .text
    @Option(help: ArgumentHelp("For a crawl: write the findings to this file, as for crawl.", valueName: "file"))
    var output: OutputFile?

    func validate() throws { try output?.asFindingsOutput.requirePath() }

    func run() throws {
        try MPIRanks.run(resume)
    }

    private func resume(on communicator: (any Communicator)?) throws {
        try checkOutput(output, sparing: [database.path])
        let reader = try Connection(path: database.path, mode: .readOnly)
        try reader.requireCurrentSchema()
        let runs = try reader.runs(id: runID)
        let target = if let runID { runs.first { $0.id == runID } } else { runs.last { $0.status != .completed } }
        guard let target else {
            let none = runs.isEmpty ? "there are no runs" : "every run is completed"
            throw UsageError(
                runID.map { "\(database.path): there is no run \($0)" }
                    ?? "\(database.path): \(none); there is nothing to resume")
        }
        if target.isBeingWritten(to: database.path) { throw target.inUse(at: database.path) }
        let mode = target.kind == .simulation ? try? target.settings(as: SimulationConfig.self).mode : nil
        if target.status != .completed {
            try requireRanks(for: target, mode: mode, on: communicator, reader: reader)
        }
        // Whether another process is writing it is asked again when the run
        // is claimed, in the same transaction as the claim.
        let recorder = try Recorder(
            path: database.path,
            options: target.kind == .crawl ? Crawl.recorderOptions(for: database.path) : Simulation.recorderOptions)
        switch target.kind {
        case .simulation:
            let summary = try recording(into: recorder, quiet: quiet) { display in
                try Simulation.resume(
                    target.id, recorder: recorder,
                    hooks: SimulationHooks(
                        shouldStop: StopSignal.requested, progress: { display.show($0.line) },
                        communicator: communicator))
            }
            try report(summary, database: database.path, ranks: communicator?.size)
        case .crawl:
            let summary = try recording(into: recorder, quiet: quiet) { display in
                try Crawl.resume(
                    target.id, credentials: .fromEnvironment, recorder: recorder,
                    hooks: CrawlHooks(shouldStop: StopSignal.requested, progress: { display.show($0.line) }),
                    lease: lease.duration)
            }
            try report(summary, format: format, database: database.path, to: output)
        default:
            throw UsageError(
                "\(database.path): run \(target.id) is a \(target.kind), which this logbook does not resume")
        }
    }

    /// An `mpi` run continues under mpirun, on at most a rank a particle;
    /// any other runs in one process. Asked before the run is claimed, so a
    /// refusal leaves it as it was.
    private func requireRanks(
        for target: RunInfo, mode: SimulationConfig.Mode?, on communicator: (any Communicator)?, reader: Connection
    ) throws {
        guard mode == .mpi else {
            let what = mode.map { "a \($0) simulation" } ?? "a \(target.kind)"
            return try MPIRanks.requireOne(
                communicator, "run \(target.id) is \(what), which runs in one process: resume it without mpirun")
        }
        guard let communicator else {
            throw UsageError(
                MPIRanks.isAvailable
                    ? "\(database.path): run \(target.id) runs on MPI's ranks; continue it with: mpirun -np P logbook resume \(target.id) --db \(database.path)"
                    : "\(database.path): run \(target.id) runs on MPI's ranks; \(MPIRanks.unavailable)")
        }
        try communicator.requireRanks(for: try RecordedSimulation(reader, run: target.id).particleCount)
    }
}
