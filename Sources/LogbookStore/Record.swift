import Dispatch
import Synchronization

/// A write the Recorder applies on its writer thread, inside its current
/// transaction. One record is atomic: everything it writes is committed
/// together or not at all (a page and its links, a frame and its states).
public protocol Record: Sendable {
    func write(to database: Connection) throws
    /// Writes `records` in order, as `RecordBatch` does: one at a time,
    /// unless the type knows better (`RowRecord`).
    static func write(_ records: [Self], to database: Connection) throws
    /// About how many bytes the record keeps alive while it waits for the
    /// writer, for `Recorder.Options.byteBudget`. The default, the
    /// record's inline size, suits records without large arrays or
    /// strings; those that carry them count them.
    var approximateBytes: Int { get }
}

extension Record {
    public var approximateBytes: Int { MemoryLayout<Self>.size }

    public static func write(_ records: [Self], to database: Connection) throws {
        for record in records { try record.write(to: database) }
    }
}

/// A record that is one row of one table. Sent many at a time in a
/// `RecordBatch`, the rows go in through multi-row INSERTs
/// (`Connection.insert`), which is what makes batching pay on the writer.
public protocol RowRecord: Record {
    static var table: StaticString { get }
    static var columns: [StaticString] { get }
    /// Binds this row's values, one per column of `columns`, in order.
    func bind(to row: inout RowBinder) throws
}

extension RowRecord {
    public func write(to database: Connection) throws { try Self.write([self], to: database) }

    public static func write(_ records: [Self], to database: Connection) throws {
        try database.insert(into: table, columns: columns, rows: records) { record, row in try record.bind(to: &row) }
    }
}

/// A record whose sender waits for an answer computed by the writer, such as
/// "which of these URLs are new?". The answer reflects every message sent
/// before it; it becomes durable with the batch that holds it.
public protocol Request: Sendable {
    associatedtype Answer: Sendable
    func answer(from database: Connection) throws -> Answer
}

/// A one-shot result that any number of threads can wait for.
final class Reply<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchGroup()

    init() { done.enter() }

    /// Sets the result; later calls are ignored.
    func resolve(_ value: Result<Value, any Error>) {
        let first = result.withLock { stored in
            guard stored == nil else { return false }
            stored = value
            return true
        }
        if first { done.leave() }
    }

    func wait() throws -> Value {
        done.wait()
        return try result.withLock { $0! }.get()
    }
}

/// What travels through the Recorder's channel.
enum Message: Sendable {
    case record(any Record)
    case question(any Question)
    case flush(Reply<Void>)
    case onFailure((@Sendable (any Error) -> any Record)?)

    var isQuestion: Bool { if case .question = self { true } else { false } }
    var isFlush: Bool { if case .flush = self { true } else { false } }
}

/// A request with the reply its sender waits on, type-erased for the channel.
protocol Question: Sendable {
    func answer(from database: Connection) throws
    func abandon(_ error: any Error)
}

struct Asked<R: Request>: Question {
    let request: R
    let reply = Reply<R.Answer>()

    func answer(from database: Connection) throws {
        reply.resolve(.success(try request.answer(from: database)))
    }

    func abandon(_ error: any Error) { reply.resolve(.failure(error)) }
}

/// Runs arbitrary SQL on the writer: schema set-up in tests and benchmarks.
public struct ExecuteSQL: Record {
    public let sql: String
    public init(_ sql: String) { self.sql = sql }
    public func write(to database: Connection) throws { try database.execute(sql) }
}

/// Many records of one type sent as one: applied in order, atomically, for
/// the cost of one message. The way to send rows a producer makes in bulk
/// (one message per row pays a channel slot and a heap box per row); rows
/// of a `RowRecord` type also share their INSERT statements.
public struct RecordBatch<Element: Record>: Record {
    public let records: [Element]
    public init(_ records: [Element]) { self.records = records }

    public var approximateBytes: Int { records.reduce(MemoryLayout<Self>.size) { $0 + $1.approximateBytes } }

    public func write(to database: Connection) throws {
        try Element.write(records, to: database)
    }
}
