import Foundation
import LogbookStore

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the process was killed for running past its time limit.
    public let timedOut: Bool
    /// True when `status` is the number of the signal that ended it.
    public let signalled: Bool
}

/// The folder holding the binaries this test bundle was built with
/// (`logbook`, `CrashRecorder`): the test runner's own folder.
public let productsDirectory: String = {
    let runner =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var folder = URL(filePath: runner).deletingLastPathComponent()
    // The runner may sit inside a `.xctest` bundle folder.
    while folder.pathExtension == "xctest" || folder.lastPathComponent == "Contents" {
        folder.deleteLastPathComponent()
    }
    return folder.path()
}()

/// The path of a binary built alongside the tests.
public func builtProduct(_ name: String) -> String {
    URL(filePath: productsDirectory).appending(path: name).path()
}

/// A child process whose output is collected while it runs. Foundation
/// starts it in a process group of its own, so a child that overstays its
/// time limit is killed together with any children it started.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: the output buffers are written by one reader
    // thread each and read only after `collected` says those threads ended.
    private let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    private let collected = DispatchGroup()
    private var outputData = Data(), errorData = Data()

    public init(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil, input: String? = nil
    ) throws {
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(filePath: directory) }
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        // Read both pipes while the child runs, so a full pipe cannot stall it.
        DispatchQueue.global().async(group: collected) {
            self.outputData = output.fileHandleForReading.readDataToEndOfFile()
        }
        DispatchQueue.global().async(group: collected) {
            self.errorData = errors.fileHandleForReading.readDataToEndOfFile()
        }
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
    }

    public var pid: Int32 { process.processIdentifier }

    /// False once the child has exited (it may not have been waited for yet).
    public var isRunning: Bool { process.isRunning }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the child to end, killing its whole group after `timeout`.
    public func finish(timeout: Duration = .seconds(300)) -> ProcessResult {
        let timedOut = exited.wait(timeout: .now() + timeout.inSeconds) == .timedOut
        if timedOut { kill(-pid, SIGKILL) }
        // The child's own children may hold the pipes open a moment longer.
        _ = collected.wait(timeout: .now() + 10)
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData, as: UTF8.self), timedOut: timedOut,
            signalled: process.terminationReason == .uncaughtSignal)
    }
}

/// Runs `executable` to completion, at most `timeout`, and captures its output.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], in directory: String? = nil,
    environment: [String: String]? = nil, input: String? = nil,
    timeout: Duration = .seconds(300)
) throws -> ProcessResult {
    try ChildProcess(executable, arguments, in: directory, environment: environment, input: input)
        .finish(timeout: timeout)
}

/// Runs the built `logbook` binary.
@discardableResult
public func logbook(
    _ arguments: String..., in directory: String? = nil, environment: [String: String]? = nil,
    timeout: Duration = .seconds(300)
) throws -> ProcessResult {
    try runProcess(builtProduct("logbook"), arguments, in: directory, environment: environment, timeout: timeout)
}

/// The exit status (negative: the signal that ended it) and peak resident
/// memory in bytes of `logbook arguments`, its output read through a pipe
/// and dropped: the getrusage of a Python process whose only child it is.
public func logbookPeakMemory(_ arguments: [String]) throws -> (status: Int, bytes: Int) {
    let result = try runProcess(
        "/usr/bin/env",
        [
            "python3", "-c",
            """
            import resource, subprocess, sys
            child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            while child.stdout.read(1 << 16): pass
            print(child.wait(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """, builtProduct("logbook"),
        ] + arguments)
    let fields = result.stdout.split(separator: " ").compactMap {
        Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard result.status == 0, fields.count == 2 else {
        throw MeasurementError(description: "cannot measure logbook \(arguments): \(result.stdout)\(result.stderr)")
    }
    return (fields[0], fields[1] * 1024)
}

/// A measurement of a child process that could not be made.
public struct MeasurementError: Error, CustomStringConvertible {
    public let description: String
}

/// Polls `condition` every 2 ms until it holds or `timeout` passes, and
/// says whether it held: tests wait for what they can observe (rows
/// committed, a process gone), never for a time tuned to one machine.
public func waitUntil(timeout: Duration = .seconds(60), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { return false }
        usleep(2_000)
    }
    return true
}

/// A run of the built `logbook` that exited non-zero where a test needed it to succeed.
public struct CommandFailure: Error, CustomStringConvertible {
    public let description: String
}

/// Runs `logbook arguments` and returns its output; throws with its status
/// and standard error if it did not exit 0.
@discardableResult
public func succeeding(_ arguments: String...) throws -> String {
    let result = try runProcess(builtProduct("logbook"), arguments)
    guard result.status == 0 else {
        throw CommandFailure(
            description: "logbook \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result.stdout
}

/// Records run 1 into `database`: a simulation of 5 particles over 3 steps,
/// the small run the CLI suites read, plot and query.
public func recordSmallSimulation(into database: String) throws {
    try succeeding("simulate", "--db", database, "--quiet", "--particles", "5", "--steps", "3")
}
