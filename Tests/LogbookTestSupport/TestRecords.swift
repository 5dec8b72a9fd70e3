import Foundation
public import LogbookStore

/// `numbered(producer, sequence, payload)`: the table the Recorder tests write.
public let numberedTableSQL = """
    CREATE TABLE IF NOT EXISTS numbered (
        producer INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        payload  BLOB,
        PRIMARY KEY (producer, sequence)
    )
    """

/// One row of `numbered`, optionally slowing the writer down.
public struct NumberedRow: Record {
    public let producer: Int
    public let sequence: Int
    public let payload: [UInt8]
    public let writerDelay: Duration

    public init(producer: Int, sequence: Int, payload: [UInt8] = [], writerDelay: Duration = .zero) {
        self.producer = producer
        self.sequence = sequence
        self.payload = payload
        self.writerDelay = writerDelay
    }

    public var approximateBytes: Int { MemoryLayout<Self>.size + payload.count }

    public func write(to database: Connection) throws {
        if writerDelay > .zero { Thread.sleep(forTimeInterval: writerDelay.inSeconds) }
        let insert = try database.cached("INSERT INTO numbered (producer, sequence, payload) VALUES (?, ?, ?)")
        try insert.bind(producer, at: 1)
        try insert.bind(sequence, at: 2)
        try insert.bind(.blob(payload), at: 3)
        try insert.run()
    }
}

/// `count` bytes in an array of their own (not shared copy-on-write with
/// another payload), each page written, so holding it costs resident memory.
public func distinctPayload(_ seed: Int, _ count: Int) -> [UInt8] {
    [UInt8](repeating: UInt8(truncatingIfNeeded: seed), count: count)
}

/// `batch` rows numbered 0..<size in one record: atomic as a whole.
public struct NumberedBatch: Record {
    public let batch: Int
    public let size: Int

    public init(batch: Int, size: Int) {
        self.batch = batch
        self.size = size
    }

    public func write(to database: Connection) throws {
        for item in 0..<size {
            try NumberedRow(producer: batch, sequence: item).write(to: database)
        }
    }
}

/// Counts rows of `table` through a separate read-only connection, as any
/// reader other than the writer would see them.
public func committedRows(in path: String, table: String = "numbered", where condition: String = "TRUE") throws -> Int64
{
    let reader = try Connection(path: path, mode: .readOnly)
    guard case .integer(let count) = try reader.scalar("SELECT count(*) FROM \(table) WHERE \(condition)") else {
        return -1
    }
    return count
}
