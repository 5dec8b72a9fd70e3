import Foundation
import LogbookTestSupport
import Testing

/// A standard output that cannot be written (a full device, a closed
/// descriptor) is a runtime failure with a message, not a crash.
@Suite struct StandardOutputTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    init() throws {
        for seed in ["1", "2"] {
            let result = try logbook(
                "simulate", "--db", folder.database, "--quiet", "--particles", "5", "--steps", "3", "--seed", seed)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    static let commands: [[String]] = [
        ["runs"],
        ["query", "SELECT * FROM states"],
        [
            "query", "--format", "json",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) SELECT x FROM c",
        ],
        ["diff", "1", "2"],
    ]

    @Test(arguments: commands)
    func aFullDeviceIsAFailureNamedOnStandardError(arguments: [String]) throws {
        let result = try logbookWritingStandardOutput(arguments, redirecting: ">/dev/full")
        #expect(!result.signalled && result.status == 3, "\(arguments): \(result.status) \(result.stderr)")
        #expect(
            result.stderr.contains("logbook: cannot write standard output: No space left on device"), "\(result.stderr)"
        )
    }

    @Test(arguments: commands)
    func aClosedStandardOutputIsAFailureNamedOnStandardError(arguments: [String]) throws {
        let before = try contents(of: path)
        let result = try logbookWritingStandardOutput(arguments, redirecting: ">&-")
        #expect(!result.signalled && result.status == 3, "\(arguments): \(result.status) \(result.stderr)")
        #expect(
            result.stderr.contains("logbook: cannot write standard output: Bad file descriptor"), "\(result.stderr)")
        #expect(try contents(of: path) == before, "nothing written into the database in standard output's place")
    }

    /// Runs logbook through a shell that applies `redirection` to its standard output.
    private func logbookWritingStandardOutput(
        _ arguments: [String], redirecting redirection: String
    ) throws -> ProcessResult {
        let command = #"exec "$0" "$@" --db "$DB" "# + redirection
        return try runProcess(
            "/bin/sh", ["-c", command, builtProduct("logbook")] + arguments,
            environment: ["DB": path], timeout: .seconds(120))
    }
}
