/// Binds one row's values to consecutive parameters of a multi-row INSERT.
public struct RowBinder: ~Copyable {
    @usableFromInline let statement: Statement
    @usableFromInline var next: Int

    @usableFromInline
    init(_ statement: Statement, from first: Int) {
        self.statement = statement
        next = first
    }

    /// Binds `values` to the row's next parameters, in order.
    @inlinable
    public mutating func bind<each Value: SQLBindable>(_ values: repeat each Value) throws {
        for value in repeat each values {
            try value.bind(to: statement, at: next)
            next += 1
        }
    }
}

/// Not `Sendable`, like the statement it binds.
@available(*, unavailable)
extension RowBinder: Sendable {}

extension Connection {
    /// Inserts `rows` into `table` with statements of up to `rowsPerStatement`
    /// rows each (`INSERT INTO t (a, b) VALUES (?, ?), (?, ?), …`), so that
    /// SQLite's per-statement work (step, reset, opening the table and its
    /// indexes) is paid once per chunk instead of once per row. `bind` binds
    /// one row's values, one per column, in `columns`' order. Inlinable, so
    /// that the loop over a caller's rows is specialised for their type.
    @inlinable
    public func insert<Rows: Collection>(
        into table: StaticString, columns: [StaticString], rows: Rows,
        rowsPerStatement: Int = 64,
        bind: (Rows.Element, inout RowBinder) throws -> Void
    ) throws {
        var remaining = rows[...]
        while !remaining.isEmpty {
            let chunk = remaining.prefix(rowsPerStatement)
            remaining = remaining.dropFirst(chunk.count)
            let key = CacheKey.rows(
                table: UInt(bitPattern: table.utf8Start),
                columns: columns.map { UInt(bitPattern: $0.utf8Start) }, count: chunk.count)
            // Every parameter is bound again: no need to clear them first.
            let statement = try cached(key, Self.insertSQL(table, columns, rows: chunk.count), clearingBindings: false)
            var binder = RowBinder(statement, from: 1)
            for row in chunk { try bind(row, &binder) }
            try statement.run()
        }
    }

    @usableFromInline
    static func insertSQL(_ table: StaticString, _ columns: [StaticString], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.map(\.description).joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
