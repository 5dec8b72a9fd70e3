import Foundation
import FuzzChecks

/// `LogbookFuzzer TARGET [libFuzzer options] [corpus folders]`: runs libFuzzer
/// on one `FuzzTarget` (see README, "Fuzzing"). Any property violation or
/// thrown error stops the run as a crash, with the input saved.
@main enum LogbookFuzzer {
    /// Set once before libFuzzer starts; libFuzzer then calls back on this
    /// thread only, so nothing reads it while it changes.
    nonisolated(unsafe) static var target = FuzzTarget.linkExtractor

    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count > 1, let target = FuzzTarget(rawValue: arguments.remove(at: 1)) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(
                Data("usage: LogbookFuzzer TARGET [libFuzzer options] [corpus…]; TARGET: \(names)\n".utf8))
            exit(2)
        }
        Self.target = target
        var argc = Int32(arguments.count)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = UnsafeMutablePointer.allocate(
            capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() { argv![index] = strdup(argument) }
        argv![arguments.count] = nil
        exit(
            runFuzzerDriver(&argc, &argv) { data, size in
                let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
                do {
                    try LogbookFuzzer.target.check(input)
                } catch {
                    fatalError("\(error)")
                }
                return 0
            })
    }
}

/// libFuzzer's entry point for a program with its own main.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
