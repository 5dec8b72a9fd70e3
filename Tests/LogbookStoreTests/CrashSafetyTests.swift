import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct CrashSafetyTests {
    @Test func everyBatchIsWhollyPresentOrWhollyAbsentAfterSIGKILL() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("crash.sqlite")
        let batchSize = 200
        var generator = SystemRandomNumberGenerator()
        var highest: Int64 = 0

        for kill in 1...24 {
            let child = Process()
            child.executableURL = URL(filePath: builtProduct("CrashRecorder"))
            child.arguments = [path, String(batchSize)]
            let output = Pipe()
            child.standardOutput = output
            try child.run()
            // Wait for "recording N": its first batch is committed.
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            #expect(line.hasPrefix("recording"), "kill \(kill): helper said \(line)")
            usleep(UInt32.random(in: 0...150_000, using: &generator))
            Glibc.kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)

            let database = try Connection(path: path, mode: .readWrite)
            #expect(try database.scalar("PRAGMA integrity_check") == .text("ok"), "kill \(kill)")
            let partial = try database.scalar("""
                SELECT count(*) FROM (SELECT producer FROM numbered GROUP BY producer HAVING count(*) != \(batchSize))
                """)
            #expect(partial == .integer(0), "kill \(kill): a batch was half recorded")
            // Batches are committed in the order sent: 1…max with no gap.
            let row = try database.prepare("SELECT count(DISTINCT producer), max(producer) FROM numbered")
            #expect(try row.step())
            #expect(row.int64(0) == row.int64(1), "kill \(kill): batches missing below the highest")
            #expect(row.int64(1) > highest, "kill \(kill): the helper recorded nothing new")
            highest = row.int64(1)
        }
    }
}
