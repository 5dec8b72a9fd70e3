import Foundation

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the process was killed for running past its time limit.
    public let timedOut: Bool
}

/// The folder holding the binaries this test bundle was built with
/// (`logbook`, `CrashRecorder`): the test runner's own folder.
public let productsDirectory: String = {
    let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
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

/// Runs `executable` to completion and captures its output. Foundation
/// starts the child in a process group of its own, so if it is still
/// running after `timeout` it is killed together with any children it
/// started, and the result says so (`timedOut`).
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil,
                       environment: [String: String]? = nil, input: String? = nil,
                       timeout: Duration = .seconds(300)) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(filePath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(filePath: directory) }
    if let environment { process.environment = environment }
    let output = Pipe(), errors = Pipe(), standardInput = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = standardInput
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    // Read both pipes while the child runs, so a full pipe cannot stall it.
    let collected = DispatchGroup()
    nonisolated(unsafe) var outputData = Data(), errorData = Data()
    DispatchQueue.global().async(group: collected) { outputData = output.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: collected) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
    if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
    try standardInput.fileHandleForWriting.close()
    let (seconds, attoseconds) = timeout.components
    let timedOut = exited.wait(timeout: .now() + Double(seconds) + Double(attoseconds) / 1e18) == .timedOut
    if timedOut { kill(-process.processIdentifier, SIGKILL) }
    // The child's own children may hold the pipes open a moment longer.
    _ = collected.wait(timeout: .now() + 10)
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                         stderr: String(decoding: errorData, as: UTF8.self), timedOut: timedOut)
}

/// Runs the built `logbook` binary.
@discardableResult
public func logbook(_ arguments: String..., in directory: String? = nil, environment: [String: String]? = nil,
                    timeout: Duration = .seconds(300)) throws -> ProcessResult {
    try runProcess(builtProduct("logbook"), arguments, in: directory, environment: environment, timeout: timeout)
}
