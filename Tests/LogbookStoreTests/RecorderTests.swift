import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct RecorderTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// Runs `body(index)` on `count` threads at once and waits for all of
    /// them, at most two minutes: a producer the Recorder never lets go
    /// fails the test instead of hanging the run.
    func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) {
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            Thread {
                do { try body(index) } catch { Issue.record(error) }
                done.leave()
            }.start()
        }
        #expect(done.wait(timeout: .now() + 120) == .success, "producers still blocked after two minutes")
    }

    @Test func eightProducersLoseAndDoubleNothing() throws {
        let recorder = try Recorder(path: path)
        try recorder.send(ExecuteSQL(numberedTableSQL))
        let perProducer = 100_000
        onThreads(8) { producer in
            for sequence in 0..<perProducer {
                try recorder.send(NumberedRow(producer: producer, sequence: sequence))
            }
        }
        try recorder.close()

        #expect(try committedRows(in: path) == 800_000)
        let reader = try Connection(path: path, mode: .readOnly)
        let perThread = try reader.prepare(
            """
            SELECT producer, count(*), count(DISTINCT sequence), min(sequence), max(sequence)
            FROM numbered GROUP BY producer ORDER BY producer
            """)
        for producer in 0..<8 {
            #expect(try perThread.step())
            #expect(perThread.int64(0) == Int64(producer))
            #expect(perThread.int64(1) == Int64(perProducer))
            #expect(perThread.int64(2) == Int64(perProducer))
            #expect(perThread.int64(3) == 0)
            #expect(perThread.int64(4) == Int64(perProducer - 1))
        }
        // Each thread's rows were written in the order it sent them.
        let outOfOrder = try reader.scalar(
            """
            SELECT count(*) FROM (
                SELECT sequence - lag(sequence) OVER (PARTITION BY producer ORDER BY rowid) AS step FROM numbered
            ) WHERE step != 1
            """)
        #expect(outOfOrder == .integer(0))
    }

    @Test(arguments: [(capacity: 1, batchSize: 1), (capacity: 7, batchSize: 1000), (capacity: 4096, batchSize: 10)])
    func batchesOfAnyShapeLoseNothing(capacity: Int, batchSize: Int) throws {
        let recorder = try Recorder(path: path, options: .init(batchSize: batchSize, capacity: capacity))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        onThreads(3) { producer in
            for sequence in 0..<5_000 { try recorder.send(NumberedRow(producer: producer, sequence: sequence)) }
        }
        try recorder.close()
        #expect(try committedRows(in: path) == 15_000)
        #expect(try committedRows(in: path, where: "sequence = 4999") == 3)
    }

    @Test func memoryStaysBoundedWhileTheWriterIsSlow() throws {
        let capacity = 16
        let recorder = try Recorder(path: path, options: .init(batchSize: 64, capacity: capacity))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        try recorder.flush()
        let before = try residentMemory()
        // 2 × 1,000 records of 64 KiB: 128 MiB if the channel did not push
        // back. Each payload is its own array: shared ones would cost
        // nothing however many waited.
        onThreads(2) { producer in
            for sequence in 0..<1_000 {
                try recorder.send(
                    NumberedRow(
                        producer: producer, sequence: sequence, payload: distinctPayload(sequence, 64 << 10),
                        writerDelay: .microseconds(200)))
            }
        }
        let growth = try residentMemory() - before
        try recorder.close()
        #expect(recorder.maximumQueueDepth == capacity, "the channel filled up, so producers were held back")
        #expect(growth < 48 << 20, "resident memory grew by \(growth >> 20) MiB")
        #expect(try committedRows(in: path) == 2_000)
    }

    @Test func nothingIsVisibleUntilABatchClosesAndFlushCommitsAllSentBeforeIt() throws {
        let recorder = try Recorder(path: path, options: .init(batchSize: 1_000_000, batchInterval: .seconds(600)))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        try recorder.flush()
        onThreads(4) { producer in
            for sequence in 0..<50 { try recorder.send(NumberedRow(producer: producer, sequence: sequence)) }
        }
        // The batch is open for ten minutes and far from full: nothing committed yet.
        try recorder.ask(Probe())
        #expect(try committedRows(in: path) == 0)
        try recorder.flush()
        #expect(try committedRows(in: path) == 200)

        try recorder.send(NumberedRow(producer: 9, sequence: 0))
        try recorder.flush()
        #expect(try committedRows(in: path) == 201)
        try recorder.close()
    }

    @Test func aBatchClosesOnItsOwnAfterItsInterval() throws {
        let recorder = try Recorder(path: path, options: .init(batchSize: 1_000_000, batchInterval: .milliseconds(20)))
        try recorder.send(ExecuteSQL(numberedTableSQL))
        try recorder.send(NumberedRow(producer: 1, sequence: 1))
        #expect(waitUntil { ((try? committedRows(in: path)) ?? 0) == 1 }, "no flush, yet the row is committed")
        try recorder.close()
    }

    @Test func answersComeFromTheWriterAfterEverythingSentBefore() throws {
        let recorder = try Recorder(path: path)
        try recorder.send(ExecuteSQL(numberedTableSQL))
        for sequence in 0..<10 { try recorder.send(NumberedRow(producer: 1, sequence: sequence)) }
        #expect(try recorder.ask(CountNumbered()) == 10)
        let id = try recorder.ask(StartRun(kind: .simulation, config: #"{"steps": 10}"#))
        try recorder.send(UpdateRun(id: id, status: .completed, summary: "10 steps"))
        try recorder.close()

        let runs = try Connection(path: path, mode: .readOnly).runs()
        #expect(runs.count == 1)
        #expect(runs.first?.id == id)
        #expect(runs.first?.status == .completed)
        #expect(runs.first?.summary == "10 steps")
        #expect(runs.first?.finishedAt != nil)
        #expect(runs.first?.logbookVersion == LogbookVersion.current)
    }

    @Test func aFailingWriteStopsTheWriterAndKeepsWhatCameBefore() throws {
        let recorder = try Recorder(path: path, options: .init(batchSize: 1_000_000, batchInterval: .seconds(600)))
        try recorder.send(
            ExecuteSQL(
                numberedTableSQL + """
                    ;
                    CREATE TRIGGER no_thirteen BEFORE INSERT ON numbered WHEN NEW.sequence = 13
                    BEGIN SELECT RAISE(ABORT, 'thirteen is refused'); END
                    """))
        try recorder.flush()
        for sequence in 0..<20 { try? recorder.send(NumberedRow(producer: 1, sequence: sequence)) }

        let flushError = try #require(throws: StoreError.self) { try recorder.flush() }
        #expect(flushError.message.contains("thirteen is refused"))
        #expect(flushError.path == path)
        let sendError = try #require(throws: StoreError.self) {
            try recorder.send(NumberedRow(producer: 2, sequence: 0))
        }
        #expect(sendError.message == flushError.message)
        #expect(throws: StoreError.self) { try recorder.ask(CountNumbered()) }
        #expect(throws: StoreError.self) { try recorder.close() }

        // Everything sent before the failing record was committed; nothing after.
        #expect(try committedRows(in: path) == 13)
        #expect(try committedRows(in: path, where: "sequence >= 13") == 0)
        let reader = try Connection(path: path, mode: .readOnly)
        #expect(try reader.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    @Test func aBatchIsAppliedInOrderAndAtomically() throws {
        let recorder = try Recorder(path: path)
        try recorder.send(
            ExecuteSQL(
                numberedTableSQL + """
                    ;
                    CREATE TRIGGER no_thirteen BEFORE INSERT ON numbered WHEN NEW.producer = 2 AND NEW.sequence = 13
                    BEGIN SELECT RAISE(ABORT, 'thirteen is refused'); END
                    """))
        try recorder.send(RecordBatch((0..<20).map { NumberedRow(producer: 1, sequence: $0) }))
        try recorder.flush()
        #expect(try committedRows(in: path) == 20)
        try recorder.send(RecordBatch((0..<20).map { NumberedRow(producer: 2, sequence: $0) }))
        #expect(throws: StoreError.self) { try recorder.flush() }
        #expect(try committedRows(in: path, where: "producer = 2") == 0, "none of a failing batch")
        #expect(try committedRows(in: path, where: "producer = 1") == 20)
    }

    @Test func aReadOnlyFileIsRefusedAtOpenAndLeftUnchanged() throws {
        try Recorder(path: path).close()
        try makeReadOnly(path)
        let before = try contents(of: path)
        let error = try #require(throws: StoreError.self) { try Recorder(path: path) }
        #expect(error.path == path)
        #expect(error.message.contains("read-only"))
        #expect(try contents(of: path) == before)
    }

    @Test func aFileOfRandomBytesIsRefusedAndLeftUnchanged() throws {
        try writeRandomBytes(8192, to: path)
        let before = try contents(of: path)
        let error = try #require(throws: StoreError.self) { try Recorder(path: path) }
        #expect(error.path == path)
        #expect(error.resultCode.map { ResultCode.notADatabase ~= $0 } == true)
        #expect(throws: StoreError.self) { try Connection(path: path, mode: .readOnly) }
        #expect(try contents(of: path) == before)
    }

    @Test func sendingAfterCloseThrows() throws {
        let recorder = try Recorder(path: path)
        try recorder.close()
        let error = try #require(throws: StoreError.self) { try recorder.send(ExecuteSQL("SELECT 1")) }
        #expect(error.code == .recorderClosed)
    }
}

/// Answers nothing; it returns once the writer has applied everything before it.
private struct Probe: Request {
    func answer(from database: Connection) throws {}
}

private struct CountNumbered: Request {
    func answer(from database: Connection) throws -> Int64 {
        guard case .integer(let count) = try database.scalar("SELECT count(*) FROM numbered") else { return -1 }
        return count
    }
}

extension RunKind {
    /// A kind the runs table accepts; the store's tests need no engine's schema.
    static let simulation = RunKind(rawValue: "simulation")
}
