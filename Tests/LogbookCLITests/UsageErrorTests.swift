import Foundation
import LogbookTestSupport
import Testing

/// Bad usage that is not about the command line's shape says
/// "logbook: message" (exit 2) without ArgumentParser's usage block.
@Suite struct UsageErrorTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    init() throws {
        try recordSmallSimulation(into: folder.database)
    }

    @Test(arguments: [
        (["resume"], "every run is completed"),
        (["resume", "7"], "there is no run 7"),
        (["plot", "1", "--out", "-", "--particles", "5-3"], "is not an index or a range"),
        (["query", "--file", "/nonexistent/q.sql"], "cannot read the SQL from /nonexistent/q.sql"),
    ])
    func saysWhatIsWrongWithoutTheUsageText(arguments: [String], message: String) throws {
        let result = try runProcess(builtProduct("logbook"), arguments + ["--db", path])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("logbook: ") && result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage:"), "\(result.stderr)")
    }

    @Test func aDiffOfOneParticleSaysParticle() throws {
        for seed in ["1", "2"] {
            #expect(
                try logbook("simulate", "--db", path, "--quiet", "--particles", "1", "--steps", "1", "--seed", seed)
                    .status == 0)
        }
        let result = try logbook("diff", "--db", path, "2", "3")
        #expect(result.stdout.contains(", 1 particle, "), "\(result.stdout) \(result.stderr)")
    }
}
