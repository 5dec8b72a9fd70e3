import Foundation
import FuzzChecks
import Testing

/// Every input kept in `Fuzz/regressions/<target>/` (what the fuzzer once
/// found) and `Fuzz/corpus/<target>/` (the seeds), replayed through the same
/// checks `make fuzz` runs, so a find stays fixed without the fuzzer.
/// One at a time, as the fuzzer runs them: the query check's folder must be
/// as the writer left it, which holds only while no other reader has it open.
@Suite(.serialized) struct FuzzRegressionTests {
    static let fuzzFolder = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Fuzz")

    static let inputs: [Input] = FuzzTarget.allCases.flatMap { target in
        ["regressions", "corpus"].flatMap { kind in
            let folder = fuzzFolder.appending(path: "\(kind)/\(target.rawValue)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.sorted().map { Input(target: target, file: folder.appending(path: $0), kind: kind) }
        }
    }

    struct Input: CustomTestStringConvertible, Sendable {
        let target: FuzzTarget
        let file: URL
        let kind: String
        var testDescription: String { "\(kind)/\(target.rawValue)/\(file.lastPathComponent)" }
    }

    @Test func everyTargetHasSeeds() {
        for target in FuzzTarget.allCases {
            #expect(Self.inputs.contains { $0.target == target }, "no seed corpus for \(target.rawValue)")
        }
    }

    @Test(arguments: inputs) func keptInputHoldsItsProperties(_ input: Input) throws {
        try input.target.check(Array(Data(contentsOf: input.file)))
    }
}
