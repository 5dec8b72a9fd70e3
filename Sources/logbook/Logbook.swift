import ArgumentParser
import Foundation
import LogbookCompare
import LogbookCrawl
import LogbookSim
import LogbookStore

@main
struct Logbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logbook",
        abstract: "Crawl for dead links and simulate particles, recording everything into one SQLite file.",
        discussion: """
            Exit codes: 0 success; 1 the work ran and found problems; 2 bad usage \
            (a bad flag, bad input file, bad or writing SQL); 3 a runtime failure (unreadable, \
            corrupt, read-only or newer database, I/O, a simulation gone non-finite); 130 stopped \
            by Ctrl-C or SIGTERM (resumable).
            """,
        version: LogbookVersion.current,
        subcommands: [
            InitCommand.self, CrawlCommand.self, SimulateCommand.self, ResumeCommand.self, JoinCommand.self,
            RunsCommand.self,
            LinksCommand.self, QueryCommand.self, ExportCommand.self, DiffCommand.self, ReportCommand.self,
            PlotCommand.self,
            RingWorkerCommand.self,
        ]
    )

    /// Runs the command and exits with logbook's documented codes.
    static func main() {
        keepLargeBuffersOutOfMallocArenas()
        StandardStream.fillClosedDescriptors()
        do {
            var command = try parseAsRoot(
                withConfigFile: Array(movingGlobalOptions(in: CommandLine.arguments.dropFirst())))
            try MPIRanks.require(command)
            try command.run()
            Foundation.exit(ExitStatus.success)
        } catch {
            if MPIRanks.isQuiet { StandardStream.silence() }
            Foundation.exit(exitStatus(reporting: error))
        }
    }

    /// `--db` is global: `logbook --db x.sqlite runs` means `logbook runs --db x.sqlite`.
    static func movingGlobalOptions(in arguments: ArraySlice<String>) -> ArraySlice<String> {
        var arguments = arguments
        var global: [String] = []
        while let first = arguments.first, first == "--db" || first.hasPrefix("--db=") {
            global.append(arguments.removeFirst())
            if first == "--db", let value = arguments.popFirst() { global.append(value) }
        }
        guard let subcommand = arguments.popFirst() else { return global[...] }
        return [subcommand] + global + arguments
    }

    /// Prints `error` where it belongs and returns the exit code it means.
    static func exitStatus(reporting error: any Error) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        if let error = error as? any LogbookError {
            let hint = (error as? StoreError)?.hint.map { " (\($0))" } ?? ""
            printError("logbook: \(error)\(hint)")
            return error.category == .usage ? ExitStatus.usage : ExitStatus.failure
        }
        let message = fullMessage(for: error)
        switch exitCode(for: error) {
        case .success:
            do {
                try StandardStream.output.write(message + "\n")
                return ExitStatus.success
            } catch {
                return exitStatus(reporting: error)
            }
        case .validationFailure:
            printError(message)
            return ExitStatus.usage
        default:
            printError("logbook: \(message)")
            return ExitStatus.failure
        }
    }
}

/// Bad usage found past the command line's shape (a run that does not exist,
/// a file that cannot be read): exit 2 with "logbook: message", where
/// ArgumentParser's `ValidationError` would add the usage text.
struct UsageError: LogbookError {
    let description: String
    init(_ description: String) { self.description = description }
    var category: ErrorCategory { .usage }
}

extension StoreError {
    /// What to do about it, in the commands' words: the store does not know them.
    var hint: String? {
        guard !DatabaseLocation.isPostgres(path), path != "postgres://…" else { return nil }
        return switch code {
        case .invalidPath: "give --db a file's path"
        case .missingDatabase: "`logbook init` or a crawl or simulation creates one"
        case .schemaTooOld: "`logbook init --db \(path)` brings it up to date"
        default: nil
        }
    }
}

/// logbook's exit codes, as the README documents them.
enum ExitStatus {
    static let success: Int32 = 0
    /// The work ran and found problems: dead links, regressions.
    static let findings: Int32 = 1
    static let usage: Int32 = 2
    static let failure: Int32 = 3
    /// Stopped by Ctrl-C or SIGTERM; `logbook resume` continues.
    static let interrupted: Int32 = 130
}

/// Prints a line on standard error; when that fails there is nowhere left to say so.
func printError(_ message: String) {
    StandardStream.error.writeIgnoringFailure(message + "\n")
}
