import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// True in a test binary built with `--sanitize=thread`.
private let underThreadSanitizer = dlsym(nil, "__tsan_init") != nil

/// With a byte budget, the Recorder holds back producers of large records
/// by the bytes waiting, not only by their number.
extension RecorderTests {
    @Test func queuedBytesStayWithinTheBudgetWhileTheWriterIsSlow() throws {
        let budget = 2 << 20, payload = 128 << 10
        // The message capacity alone would let all 800 records wait.
        let recorder = try Recorder(path: path, options: .init(batchSize: 64, capacity: 4096, byteBudget: budget))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        try recorder.flush()
        let before = try residentMemory()
        // 2 × 400 distinct records of 128 KiB: 100 MiB if only the capacity held producers back.
        onThreads(2) { producer in
            for sequence in 0..<400 {
                try recorder.send(
                    NumberedRow(
                        producer: producer, sequence: sequence, payload: distinctPayload(sequence, payload),
                        writerDelay: .microseconds(200)))
            }
        }
        let growth = try residentMemory() - before
        try recorder.close()
        let record = payload + MemoryLayout<NumberedRow>.size
        #expect(recorder.maximumQueuedBytes <= budget, "\(recorder.maximumQueuedBytes) bytes waited")
        #expect(recorder.maximumQueuedBytes > budget - 2 * record, "the budget filled up, so producers were held back")
        #expect(recorder.maximumQueueDepth <= budget / record)
        // Under ThreadSanitizer its own allocator and shadow memory grow with
        // every address touched (56 MiB once on a loaded machine): resident
        // memory measures them there, not the queue, which the lines above do.
        if !underThreadSanitizer { #expect(growth < 40 << 20, "resident memory grew by \(growth >> 20) MiB") }
        #expect(try committedRows(in: path) == 800)
    }

    @Test func aRecordLargerThanTheBudgetStillGoesThroughAlone() throws {
        let recorder = try Recorder(path: path, options: .init(byteBudget: 64 << 10))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        for sequence in 0..<3 {
            try recorder.send(NumberedRow(producer: 1, sequence: sequence, payload: distinctPayload(sequence, 1 << 20)))
        }
        try recorder.flush()
        #expect(try committedRows(in: path) == 3)
        #expect(recorder.maximumQueueDepth <= 2, "a large record waits alone (beside the table's SQL at most)")
        try recorder.close()
    }

    @Test func aBatchClosesAtItsBytesLongBeforeItsTimeIsUp() throws {
        // Without the byte bound nothing would commit for ten minutes.
        let recorder = try Recorder(path: path, options: .init(batchInterval: .seconds(600), batchBytes: 256 << 10))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        try recorder.flush()
        for sequence in 0..<3 {
            try recorder.send(
                NumberedRow(producer: 1, sequence: sequence, payload: distinctPayload(sequence, 128 << 10)))
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while try committedRows(in: path) < 2, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(try committedRows(in: path) == 2, "the first two records fill 256 KiB and commit; the third waits")
        try recorder.close()
        #expect(try committedRows(in: path) == 3)
    }
}
