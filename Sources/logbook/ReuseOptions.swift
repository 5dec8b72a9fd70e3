import ArgumentParser
import CrawlSchema
import Foundation
import LogbookStore

/// `--reuse`: the database as a cache for the next crawl of the same site.
///
/// `--reuse RUN` is spelled `--reuse-run RUN`: a flag that may or may not
/// take a value cannot be told from the start URL after it
/// (`crawl --reuse https://…`).
struct ReuseOptions: ParsableArguments {
    @Flag(help: "Reuse what the latest earlier crawl of the same start URL in this file learned.") var reuse = false
    @Option(help: ArgumentHelp("Reuse what crawl RUN of this file learned (implies --reuse).", valueName: "run"))
    var reuseRun: Int64?
    @Option(help: "With --reuse: how old an ok external link may be and not be checked again: 3600, 90s, 30m, 12h, 7d.")
    var maxAge: Age?

    func validate() throws {
        if maxAge != nil, !reuse, reuseRun == nil { throw ValidationError("--max-age applies with --reuse only") }
    }

    /// The run to reuse, found in the database at `path` (read before the
    /// crawl opens it to write, so a bad flag leaves no file). `--reuse` in a file with no earlier
    /// crawl of `start` says so and reuses nothing: a scheduled job runs the
    /// same command the first time as every time after.
    func resolve(start: String, database path: String) throws -> CrawlConfig.Reuse? {
        guard reuse || reuseRun != nil else { return nil }
        if DatabaseLocation.isPostgres(path) {
            throw UsageError(
                """
                --reuse reads earlier crawls from an SQLite file, not yet from PostgreSQL: copy the earlier run \
                out (logbook export RUN --to FILE) and crawl into that file with --reuse
                """)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            if let reuseRun { throw UsageError("--reuse-run: \(path) does not exist, so it has no run \(reuseRun)") }
            printError("logbook: \(path) does not exist yet: nothing to reuse, every URL is fetched")
            return nil
        }
        let database = try Connection(path: path, mode: .readOnly)
        let maxAge = maxAge?.seconds ?? CrawlConfig.Reuse(run: 0).maxAgeSeconds
        if let reuseRun {
            guard let run = try database.runs(id: reuseRun).first else {
                throw UsageError("--reuse-run: \(path) has no run \(reuseRun)")
            }
            guard run.kind == .crawl else {
                throw UsageError("--reuse-run: run \(reuseRun) of \(path) is a \(run.kind), not a crawl")
            }
            return CrawlConfig.Reuse(run: reuseRun, maxAgeSeconds: maxAge)
        }
        guard let run = try PreviousCrawl.latest(of: start, in: database) else {
            printError("logbook: \(path) holds no earlier crawl of \(start): nothing to reuse, every URL is fetched")
            return nil
        }
        return CrawlConfig.Reuse(run: run, maxAgeSeconds: maxAge)
    }
}

/// A length of time in seconds, written as a number of seconds or with a
/// unit: 90s, 30m, 12h, 7d.
struct Age: ExpressibleByArgument {
    let seconds: Int

    init?(argument: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(argument)
        var unit = 1
        if let last = argument.last, let scale = units[last] {
            number = number.dropLast()
            unit = scale
        }
        guard let value = Int(number), value >= 0, value <= Int(Int32.max) / unit else { return nil }
        seconds = value * unit
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
