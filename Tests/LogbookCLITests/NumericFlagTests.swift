import Foundation
import LogbookTestSupport
import Testing

/// Every numeric flag of every command refuses NaN, infinities, negatives and
/// values out of its range as bad usage naming the flag and what it allows,
/// before anything is fetched, simulated or written.
@Suite struct NumericFlagTests {
    struct Flag: CustomTestStringConvertible, Sendable {
        /// The command and the arguments it needs besides the flag.
        let command: [String]
        let flag: String
        /// What the message says is allowed.
        let allowed: String
        /// Values out of range for this flag in particular.
        let outOfRange: [String]

        var testDescription: String { "\(command[0]) \(flag)" }
    }

    static let crawl = ["crawl", "http://127.0.0.1:1/"]
    static let simulate = ["simulate", "--particles", "4"]
    static let diff = ["diff", "1", "2"]
    static let report = ["report", "1", "--out", "-"]

    static let flags: [Flag] = [
        Flag(command: crawl, flag: "--workers", allowed: "a whole number from 1 to 1024", outOfRange: ["0", "1025"]),
        Flag(
            command: crawl, flag: "--timeout", allowed: "a number from 0.001 to 86400",
            outOfRange: ["0", "0.0004", "86401", "1e300"]),
        Flag(
            command: crawl, flag: "--max-bytes", allowed: "a whole number, 1 or more",
            outOfRange: ["0", "99999999999999999999"]),
        Flag(command: crawl, flag: "--max-redirects", allowed: "a whole number from 0 to 1000", outOfRange: ["1001"]),
        Flag(
            command: crawl, flag: "--max-url-length", allowed: "a whole number from 1 to 8000000",
            outOfRange: ["0", "8000001"]),
        Flag(command: crawl, flag: "--max-depth", allowed: "a whole number, 0 or more", outOfRange: []),
        Flag(command: crawl, flag: "--max-pages", allowed: "a whole number, 1 or more", outOfRange: ["0"]),
        Flag(command: crawl, flag: "--per-host", allowed: "a whole number from 1 to 1024", outOfRange: ["0"]),
        Flag(command: crawl, flag: "--delay", allowed: "a whole number from 0 to 3600000", outOfRange: ["3600001"]),
        Flag(command: crawl, flag: "--retries", allowed: "a whole number from 0 to 20", outOfRange: ["21"]),
        Flag(command: crawl, flag: "--retry-delay", allowed: "a whole number from 0 to 60000", outOfRange: ["60001"]),
        Flag(
            command: simulate, flag: "--steps", allowed: "a whole number from 0 to 1000000000000",
            outOfRange: ["1000000000001"]),
        Flag(command: simulate, flag: "--dt", allowed: "a finite number greater than 0", outOfRange: ["0", "-0"]),
        Flag(command: simulate, flag: "--G", allowed: "a finite number, 0 or more", outOfRange: []),
        Flag(command: simulate, flag: "--softening", allowed: "a finite number, 0 or more", outOfRange: []),
        Flag(command: simulate, flag: "--workers", allowed: "a whole number from 1 to 1024", outOfRange: ["0"]),
        Flag(command: simulate, flag: "--record-every", allowed: "a whole number, 1 or more", outOfRange: ["0"]),
        Flag(
            command: ["simulate"], flag: "--particles", allowed: "a whole number from 1 to 10000000",
            outOfRange: ["0", "10000001"]),
        Flag(
            command: simulate, flag: "--seed", allowed: "a whole number, 0 or more",
            outOfRange: ["18446744073709551616"]),
        Flag(command: diff, flag: "--tolerance", allowed: "a finite number, 0 or more", outOfRange: []),
        Flag(command: diff, flag: "--relative-tolerance", allowed: "a finite number, 0 or more", outOfRange: []),
        Flag(command: report, flag: "--tolerance", allowed: "a finite number, 0 or more", outOfRange: []),
        Flag(command: report, flag: "--relative-tolerance", allowed: "a finite number, 0 or more", outOfRange: []),
    ]

    /// Refused by every numeric flag.
    static let badEverywhere = ["nan", "inf", "-inf", "-1", "-1e300", "ten"]

    @Test(arguments: flags)
    func refusesBadValuesNamingTheFlagAndRange(flag: Flag) throws {
        let folder = TemporaryDirectory()
        for value in Self.badEverywhere + flag.outOfRange {
            // "--steps -1" must not read as a missing value, nor "--steps=-1" differ from it.
            for spelling in value == "-1" ? [[flag.flag, value], ["\(flag.flag)=\(value)"]] : [[flag.flag, value]] {
                let arguments = flag.command + spelling + ["--db", folder.database]
                let result = try runProcess(builtProduct("logbook"), arguments, timeout: .seconds(60))
                #expect(!result.signalled && result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
                #expect(
                    result.stderr.contains("The value '\(value)' is invalid for '\(flag.flag) <"),
                    "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(": must be \(flag.allowed)"), "\(arguments): \(result.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.database), "nothing created")
    }

    @Test func plotRefusesANegativeParticle() throws {
        let folder = TemporaryDirectory()
        #expect(
            try logbook("simulate", "--db", folder.database, "--quiet", "--particles", "5", "--steps", "3").status == 0)
        let result = try logbook("plot", "--db", folder.database, "1", "--particles", "-1", "--out", "-")
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("--particles -1: \"-1\" is not an index or a range like 5-9 (indices count from 0"),
            "\(result.stderr)")
    }
}
