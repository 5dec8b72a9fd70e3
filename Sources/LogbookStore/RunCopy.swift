/// One table of a run's, as `RunCopy` reads it from one database and
/// writes it into another. Each schema lists its own tables (the store
/// names none but `runs`), with what its id columns mean.
public struct RunTable: Sendable {
    /// What a column holds that a copy must change: the ids that tie a
    /// run's rows together. Every other column is copied as it is.
    public enum Column: Hashable, Sendable {
        /// A run's id: the copied run's becomes its id in the target; any
        /// other run's becomes NULL, since the target does not hold that run.
        case run
        /// The table's own row ids, which other tables' rows refer to:
        /// shifted past the target's (see `RunCopy`). One per table.
        case id
        /// Ids of rows of the named table, listed before this one: shifted as those rows were.
        case reference(String)
    }

    public let name: String
    /// The condition selecting the run's rows, `?1` being the run's id.
    public let selection: String
    /// The order rows are read and written in, e.g. the table's key; nil
    /// for the source's own: SQLite's rowid order (the order they were
    /// written in), PostgreSQL's order on disk.
    public let order: String?
    /// The columns that hold ids, by name.
    public let columns: [String: Column]

    public init(_ name: String, selection: String = "run_id = ?1", order: String?, columns: [String: Column]) {
        self.name = name
        self.selection = selection
        self.order = order
        self.columns = columns
    }
}

/// A run read whole from one database (SQLite or PostgreSQL), to be
/// written into an SQLite file as a new run. As a `Request` to the target's
/// `Recorder`, the run's row and all its rows are written by the writer in
/// one transaction: a half-copied run is never visible, and a copy that
/// fails adds nothing.
///
/// The run is held in memory between the two, every row as values: a
/// copy needs memory on the order of the run's size in the database.
/// Streaming it in parts is left for later; so is a PostgreSQL target,
/// whose identity columns would not follow the ids a copy writes.
///
/// In the target the run gets the next free id; the ids of each table's
/// rows that others refer to (`RunTable.Column.id`) are shifted by one
/// offset, (the target's largest id, or 0) − (the run's smallest) + 1, so
/// they follow the target's and keep their order and gaps. Columns are
/// copied by name, those the target's table has: columns only the source
/// has (PostgreSQL's leases) are left out.
public struct RunCopy: Request {
    /// The run, as the source holds it.
    public let run: RunInfo
    private let runRow: Rows
    private let tables: [(table: RunTable, rows: Rows)]
    /// The copy has the run's own id (into a file that has no run by it).
    private let keepingID: Bool

    /// Reads `run` and its rows in `tables` from `source`, in one snapshot
    /// (or in the transaction already open), so a run still being written
    /// is copied as it was at one moment.
    public init(of run: RunInfo, tables: [RunTable], from source: Connection, keepingID: Bool = false) throws {
        self.run = run
        self.keepingID = keepingID
        (runRow, self.tables) = try source.snapshot {
            let runRow = try Rows(reading: "SELECT * FROM runs WHERE id = ?1", run: run.id, from: source)
            guard runRow.count == 1 else {
                throw StoreError(.unreadableRow, path: source.path, message: "run \(run.id) is not in the runs table")
            }
            let rows = try tables.map { table in
                let order = table.order.map { " ORDER BY \($0)" } ?? ""
                let sql = "SELECT * FROM \(table.name) WHERE \(table.selection)\(order)"
                return (table, try Rows(reading: sql, run: run.id, from: source))
            }
            return (runRow, rows)
        }
    }

    /// Writes the run into `database` (an SQLite file) and answers its new id.
    public func answer(from database: Connection) throws -> Int64 {
        guard !database.isPostgres else {
            throw StoreError(
                .invalidPath, path: database.path, message: "a run is copied into an SQLite file, not into PostgreSQL")
        }
        let newID = try insertRun(into: database)
        var offsets: [String: Int64] = [:]
        for (table, rows) in tables {
            let targetColumns = try database.columnNames(of: table.name)
            let kept = rows.columns.indices.filter { targetColumns.contains(rows.columns[$0]) }
            let names = kept.map { rows.columns[$0] }
            if let key = kept.first(where: { table.columns[rows.columns[$0]] == .id }) {
                let largest = try database.prepare(
                    "SELECT coalesce(max(\"\(rows.columns[key])\"), 0) FROM \(table.name)"
                ).scalar(Int64.self)
                let ids = try (0..<rows.count).map { row in
                    guard case .integer(let id) = rows.value(row: row, column: key) else {
                        throw notAnID(rows.value(row: row, column: key), table.name, rows.columns[key], database)
                    }
                    return id
                }
                offsets[table.name] = (largest ?? 0) - (ids.min() ?? 0) + 1
            }
            let translations = try names.map { name in
                try translation(of: table.columns[name], table: table.name, column: name, offsets, newID, database)
            }
            try database.insert(into: table.name, columns: names, rows: rows.count) { row, index in
                try translations[index](rows.value(row: row, column: kept[index]))
            }
        }
        return newID
    }

    /// Inserts the run's row, every column the target's `runs` has but the id; answers the new id.
    private func insertRun(into database: Connection) throws -> Int64 {
        let columns = try database.columnNames(of: "runs")
        let kept = runRow.columns.indices.filter {
            (keepingID || runRow.columns[$0] != "id") && columns.contains(runRow.columns[$0])
        }
        let names = kept.map { "\"\(runRow.columns[$0])\"" }.joined(separator: ", ")
        let insert = try database.prepare(
            "INSERT INTO runs (\(names)) VALUES (\(kept.map { _ in "?" }.joined(separator: ", "))) RETURNING id")
        for (index, column) in kept.enumerated() {
            try insert.bind(runRow.value(row: 0, column: column), at: index + 1)
        }
        guard let id = try insert.scalar(Int64.self) else {
            throw StoreError(.unreadableRow, path: database.path, message: "INSERT INTO runs returned no id")
        }
        return id
    }

    /// What a column's values become in the target.
    private func translation(
        of role: RunTable.Column?, table: String, column: String, _ offsets: [String: Int64], _ newID: Int64,
        _ database: Connection
    ) throws -> (SQLValue) throws -> SQLValue {
        let referred: String
        switch role {
        case nil: return { $0 }
        case .run: return { [run] in $0 == .integer(run.id) ? .integer(newID) : .null }
        case .id: referred = table
        case .reference(let other): referred = other
        }
        guard let offset = offsets[referred] else {
            throw StoreError(
                .unreadableRow, path: database.path,
                message: "\(table).\(column) refers to \(referred), which is not copied before it")
        }
        return { [run] value in
            switch value {
            case .null: return .null
            case .integer(let id):
                let (shifted, overflow) = id.addingReportingOverflow(offset)
                guard !overflow else {
                    throw StoreError(
                        .unreadableRow, path: database.path,
                        message: "\(table).\(column) \(id) of run \(run.id) does not fit beside the file's ids")
                }
                return .integer(shifted)
            default: throw notAnID(value, table, column, database)
            }
        }
    }
}

private func notAnID(_ value: SQLValue, _ table: String, _ column: String, _ database: Connection) -> StoreError {
    StoreError(.unreadableRow, path: database.path, message: "\(table).\(column) holds \(value), not a row's id")
}

/// Rows read by `SELECT *`: the columns' names and every value, row by row.
private struct Rows: Sendable {
    let columns: [String]
    let values: [SQLValue]

    init(reading sql: String, run: Int64, from source: Connection) throws {
        let statement = try source.prepare(sql)
        try statement.bind(run, at: 1)
        var values: [SQLValue] = []
        while try statement.step() {
            for column in 0..<statement.columnCount { values.append(statement.value(column)) }
        }
        // Read after the rows: PostgreSQL knows a statement's columns once it has run.
        columns = (0..<statement.columnCount).map(statement.columnName)
        self.values = values
    }

    var count: Int { columns.isEmpty ? 0 : values.count / columns.count }

    func value(row: Int, column: Int) -> SQLValue { values[row * columns.count + column] }
}

extension Connection {
    /// The columns of `table`, by name; refuses a table the file does not have.
    fileprivate func columnNames(of table: String) throws -> Set<String> {
        let names = try prepare("SELECT name FROM pragma_table_info(?)").bound(table).column(String.self)
        guard !names.isEmpty else {
            throw StoreError(.sqlite, path: path, message: "the file has no table \(table) to copy a run into")
        }
        return Set(names)
    }

    /// Inserts `rows` rows, `value(row, column)` giving each value, with
    /// multi-row INSERTs of up to 64 rows (as `insert(into:columns:rows:bind:)`).
    fileprivate func insert(
        into table: String, columns: [String], rows: Int, value: (_ row: Int, _ column: Int) throws -> SQLValue
    ) throws {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var statements: [Int: Statement] = [:]
        for first in stride(from: 0, to: rows, by: 64) {
            let count = min(64, rows - first)
            let statement =
                try statements[count]
                ?? prepare(
                    "INSERT INTO \(table) (\(names)) VALUES "
                        + Array(repeating: placeholders, count: count).joined(separator: ", "))
            statements[count] = statement
            var parameter = 1
            for row in first..<first + count {
                for column in columns.indices {
                    try statement.bind(value(row, column), at: parameter)
                    parameter += 1
                }
            }
            try statement.run()
        }
    }
}
