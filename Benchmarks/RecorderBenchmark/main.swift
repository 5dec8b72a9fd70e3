import Foundation
import LogbookStore

// Usage: RecorderBenchmark [ROWS] [ROUNDS]   (run by `make bench`)
//
// Recorder throughput for 9-column rows shaped like particle states, sent
// from 2 producer threads, against a plain single-threaded prepared-statement
// insert loop into the same table, in the same invocation. Both commit every
// 4,096 rows (the Recorder's default batch) with the same pragmas. The
// Recorder is measured two ways: one message per row (its worst case), and
// rows sent 100 at a time as a `RecordBatch` (how producers that make rows in
// bulk send them, as a simulation sends a frame, and which the writer inserts
// with multi-row statements). Rounds alternate, each on a fresh file; medians
// are compared.

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 5 : 5
let batch = 4096

let schema = """
    CREATE TABLE IF NOT EXISTS bench_states (
        run_id INTEGER NOT NULL, step INTEGER NOT NULL, particle INTEGER NOT NULL,
        x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
        vx REAL NOT NULL, vy REAL NOT NULL, vz REAL NOT NULL,
        PRIMARY KEY (run_id, step, particle)
    ) WITHOUT ROWID
    """

struct StateRow: RowRecord {
    let step: Int64, particle: Int64
    let x: Double, y: Double, z: Double, vx: Double, vy: Double, vz: Double

    init(_ index: Int) {
        step = Int64(index / 1000)
        particle = Int64(index % 1000)
        let t = Double(index)
        (x, y, z, vx, vy, vz) = (t * 1e-3, -t * 2e-3, t * 3e-3, 1 / (t + 1), -2 / (t + 1), 0.5)
    }

    static let table: StaticString = "bench_states"
    static let columns: [StaticString] = ["run_id", "step", "particle", "x", "y", "z", "vx", "vy", "vz"]

    func bind(to row: inout RowBinder) throws {
        try row.bind(1)
        try row.bind(step)
        try row.bind(particle)
        try row.bind(x)
        try row.bind(y)
        try row.bind(z)
        try row.bind(vx)
        try row.bind(vy)
        try row.bind(vz)
    }

    /// One prepared statement, a row per step: the plain loop's way, and
    /// the Recorder's for a row per message. A `RecordBatch` of them goes
    /// through `RowRecord`'s multi-row INSERTs instead.
    func write(to database: Connection) throws {
        let insert = try database.cached("INSERT INTO bench_states VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)")
        try insert.bind(step, at: 1)
        try insert.bind(particle, at: 2)
        try insert.bind(x, at: 3)
        try insert.bind(y, at: 4)
        try insert.bind(z, at: 5)
        try insert.bind(vx, at: 6)
        try insert.bind(vy, at: 7)
        try insert.bind(vz, at: 8)
        try insert.run()
    }
}

func freshFile(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "/logbook-bench-\(getpid())-\(name).sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return path
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return elapsed.inSeconds
}

func count(_ path: String) throws -> Int64 {
    guard case .integer(let n) = try Connection(path: path, mode: .readOnly).scalar("SELECT count(*) FROM bench_states")
    else { return -1 }
    return n
}

/// The baseline: one thread, one connection, one prepared statement.
func plainLoop() throws -> Double {
    let path = freshFile("plain")
    let database = try Connection(path: path, mode: .readWrite)
    try database.execute(schema)
    let time = try seconds {
        try database.execute("BEGIN IMMEDIATE")
        for index in 0..<rows {
            try StateRow(index).write(to: database)
            if (index + 1) % batch == 0 { try database.execute("COMMIT; BEGIN IMMEDIATE") }
        }
        try database.execute("COMMIT")
    }
    let written = try count(path)
    precondition(written == rows, "expected \(rows) rows, found \(written)")
    return Double(rows) / time
}

/// The Recorder, fed by two producer threads sending `rowsPerMessage` rows per
/// message; its transactions close every 4,096 rows, as the plain loop's do.
func recorder(rowsPerMessage: Int) throws -> Double {
    let path = freshFile("recorder")
    let recorder = try Recorder(path: path, options: .init(batchSize: max(1, batch / rowsPerMessage), capacity: 4096))
    try recorder.send(ExecuteSQL(schema))
    try recorder.flush()
    let time = try seconds {
        let done = DispatchGroup()
        for producer in 0..<2 {
            done.enter()
            Thread {
                let mine = Array(stride(from: producer, to: rows, by: 2))
                for start in stride(from: 0, to: mine.count, by: rowsPerMessage) {
                    let chunk = mine[start..<min(start + rowsPerMessage, mine.count)]
                    if rowsPerMessage == 1 {
                        try! recorder.send(StateRow(chunk.first!))
                    } else {
                        try! recorder.send(RecordBatch(chunk.map(StateRow.init)))
                    }
                }
                done.leave()
            }.start()
        }
        done.wait()
        try recorder.close()
    }
    let written = try count(path)
    precondition(written == rows, "expected \(rows) rows, found \(written)")
    return Double(rows) / time
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var plain: [Double] = [], perRow: [Double] = [], batched: [Double] = []
for round in 1...rounds {
    plain.append(try plainLoop())
    perRow.append(try recorder(rowsPerMessage: 1))
    batched.append(try recorder(rowsPerMessage: 100))
    print(
        "round \(round): plain \(Int(plain.last!)), per row \(Int(perRow.last!)), batches \(Int(batched.last!)) rows/s")
}
let perRowRatio = median(perRow) / median(plain), batchedRatio = median(batched) / median(plain)
print(
    """

    rows per round:                        \(rows)
    plain loop (median):                   \(Int(median(plain))) rows/s
    Recorder, 2 producers, a row/message:  \(Int(median(perRow))) rows/s   ratio \(String(format: "%.2f", perRowRatio))
    Recorder, 2 producers, 100 rows/batch: \(Int(median(batched))) rows/s   ratio \(String(format: "%.2f", batchedRatio)) (floor 1.00)
    """)
exit(batchedRatio >= 1.0 ? 0 : 1)
