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
            let child = try ChildProcess(builtProduct("CrashRecorder"), [path, String(batchSize)])
            // Killed once 1 to 8 batches beyond the last run's are committed:
            // a moment picked by what the helper did, not by a sleep.
            let target = highest + Int64.random(in: 1...8, using: &generator)
            let progressed = waitUntil {
                (try? committedRows(in: path, where: "producer >= \(target)")).map { $0 > 0 } ?? false
            }
            #expect(progressed, "kill \(kill): no batch beyond \(target - 1) committed")
            child.signal(SIGKILL)
            #expect(child.finish().signalled, "kill \(kill)")

            let database = try Connection(path: path, mode: .readWrite)
            #expect(try database.scalar("PRAGMA integrity_check") == .text("ok"), "kill \(kill)")
            let partial = try database.scalar(
                """
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
