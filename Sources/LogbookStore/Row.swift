internal import CSQLite

/// A Swift value that binds to one statement parameter: a nil binds NULL.
/// What lets `bind(runID, url, depth)` replace a bind per position.
public protocol SQLBindable {
    func bind(to statement: Statement, at index: Int) throws
}

/// A Swift value read from one result column. A NULL read as a type that
/// cannot hold it is an error naming the column and the SQL, not a 0 or "".
public protocol SQLColumnValue {
    static func read(_ row: Row, at index: Int) throws -> Self
}

/// A value made from one row, its columns read by name.
public protocol RowDecodable {
    init(row: Row) throws
}

/// The current row of a statement. Valid until the statement steps again.
public struct Row {
    @usableFromInline let statement: Statement

    @usableFromInline init(_ statement: Statement) { self.statement = statement }

    /// The column named `name` (as the SELECT names it, `AS` included). A
    /// literal: the statement finds its column once and then knows it by the
    /// literal's address, so reading by name costs what reading by position does.
    @inlinable
    public subscript<T: SQLColumnValue>(_ name: StaticString) -> T {
        get throws { try T.read(self, at: statement.columnIndex(name)) }
    }

    /// The column at `index`, counting from 0: for rows whose columns have no name worth giving.
    @inlinable
    public subscript<T: SQLColumnValue>(_ index: Int) -> T {
        get throws { try T.read(self, at: index) }
    }

    @inlinable func isNull(_ index: Int) -> Bool { statement.isNull(index) }

    /// `value`, read from column `index`, unless the column is NULL, which
    /// SQLite reads as 0: only a 0 needs a look at the column's type.
    @inlinable func nonNull<T: Numeric>(_ value: T, _ index: Int) throws -> T {
        guard value != 0 || !isNull(index) else { throw nullError(index, T.self) }
        return value
    }

    @usableFromInline func nullError(_ index: Int, _ type: Any.Type) -> StoreError {
        statement.readError("column \(statement.columnName(index)) is NULL, not \(typeName(type))")
    }
}

extension Statement {
    /// Binds `values` to parameters 1, 2, 3… in order.
    @inlinable
    public func bind<each Value: SQLBindable>(_ values: repeat each Value) throws {
        var index = 0
        for value in repeat each values {
            index += 1
            try value.bind(to: self, at: index)
        }
    }

    /// This statement with `values` bound: `try database.prepare(sql).bound(id).all(Run.self)`.
    @inlinable @discardableResult
    public func bound<each Value: SQLBindable>(_ values: repeat each Value) throws -> Statement {
        try bind(repeat each values)
        return self
    }

    /// Steps to the next row and reads it with `body`; nil when the statement is done.
    public func next<T>(_ body: (Row) throws -> T) throws -> T? {
        try step() ? try body(Row(self)) : nil
    }

    /// The next row decoded; nil when the statement is done.
    public func next<T: RowDecodable>(_ type: T.Type = T.self) throws -> T? {
        try next { try T(row: $0) }
    }

    /// Calls `body` with each remaining row, then resets the statement
    /// (also when `body` or a step throws), so a cached one is ready again.
    public func forEachRow(_ body: (Row) throws -> Void) throws {
        defer { rewind() }
        while try step() { try body(Row(self)) }
    }

    /// Every remaining row, decoded; then resets the statement.
    public func all<T: RowDecodable>(_ type: T.Type = T.self) throws -> [T] {
        var rows: [T] = []
        try forEachRow { rows.append(try T(row: $0)) }
        return rows
    }

    /// The first column of every remaining row; then resets the statement.
    public func column<T: SQLColumnValue>(_ type: T.Type = T.self) throws -> [T] {
        var values: [T] = []
        try forEachRow { values.append(try $0[0]) }
        return values
    }

    /// The first row decoded, or nil when there is none; then resets the statement.
    public func first<T: RowDecodable>(_ type: T.Type = T.self) throws -> T? {
        defer { rewind() }
        return try next(type)
    }

    /// The first column of the first row, or nil when there is no row; then
    /// resets the statement. For `SELECT count(*) …`, `SELECT 1 WHERE …`.
    public func scalar<T: SQLColumnValue>(_ type: T.Type = T.self) throws -> T? {
        defer { rewind() }
        return try next { try $0[0] as T }
    }

    /// The index of the column named `name`: by the literal's address after
    /// the first time (a one-character literal is kept as its scalar, whose
    /// value is no address), by its text the first time.
    @usableFromInline func columnIndex(_ name: StaticString) throws -> Int {
        let key = name.hasPointerRepresentation ? UInt(bitPattern: name.utf8Start) : UInt(name.unicodeScalar.value)
        // A row type reads its columns in the same order every row: the
        // one after the last found is the likeliest.
        var slot = nextLookup
        for _ in columnsByName.indices {
            if slot == columnsByName.count { slot = 0 }
            if columnsByName[slot].key == key {
                nextLookup = slot + 1
                return columnsByName[slot].index
            }
            slot += 1
        }
        let text = name.description
        guard let index = (0..<columnCount).first(where: { columnName($0) == text }) else {
            throw readError("no column named \(text) (the columns are \((0..<columnCount).map(columnName)))")
        }
        columnsByName.append((key, index))
        nextLookup = columnsByName.count
        return index
    }
}

/// Not `Sendable`, like the statement it reads.
@available(*, unavailable)
extension Row: Sendable {}

// MARK: Values

extension Int64: SQLBindable, SQLColumnValue {
    @inlinable public func bind(to statement: Statement, at index: Int) throws { try statement.bind(self, at: index) }
    @inlinable public static func read(_ row: Row, at index: Int) throws -> Int64 {
        try row.nonNull(row.statement.int64(index), index)
    }
}

extension Int: SQLBindable, SQLColumnValue {
    @inlinable public func bind(to statement: Statement, at index: Int) throws {
        try statement.bind(Int64(self), at: index)
    }
    @inlinable public static func read(_ row: Row, at index: Int) throws -> Int { Int(try Int64.read(row, at: index)) }
}

/// Stored as 0 or 1; any nonzero integer reads as true.
extension Bool: SQLBindable, SQLColumnValue {
    @inlinable public func bind(to statement: Statement, at index: Int) throws {
        try statement.bind(Int64(self ? 1 : 0), at: index)
    }
    @inlinable public static func read(_ row: Row, at index: Int) throws -> Bool { try Int64.read(row, at: index) != 0 }
}

extension Double: SQLBindable, SQLColumnValue {
    @inlinable public func bind(to statement: Statement, at index: Int) throws { try statement.bind(self, at: index) }
    @inlinable public static func read(_ row: Row, at index: Int) throws -> Double {
        try row.nonNull(row.statement.double(index), index)
    }
}

extension String: SQLBindable, SQLColumnValue {
    @inlinable public func bind(to statement: Statement, at index: Int) throws { try statement.bind(self, at: index) }
    @inlinable public static func read(_ row: Row, at index: Int) throws -> String {
        guard let text = row.statement.text(index) else { throw row.nullError(index, String.self) }
        return text
    }
}

extension SQLValue: SQLBindable, SQLColumnValue {
    @inlinable public func bind(to statement: Statement, at index: Int) throws { try statement.bind(self, at: index) }
    @inlinable public static func read(_ row: Row, at index: Int) throws -> SQLValue { row.statement.value(index) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    @inlinable public func bind(to statement: Statement, at index: Int) throws {
        guard let self else { return try statement.bind(SQLValue.null, at: index) }
        try self.bind(to: statement, at: index)
    }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
    @inlinable public static func read(_ row: Row, at index: Int) throws -> Wrapped? {
        row.isNull(index) ? nil : try Wrapped.read(row, at: index)
    }
}

/// A text column read as an enum by its raw value; an unknown value is an
/// error naming it, and a NULL one naming the enum (not the String it is read through).
extension SQLColumnValue where Self: RawRepresentable, RawValue == String {
    @inlinable public static func read(_ row: Row, at index: Int) throws -> Self {
        guard let text = row.statement.text(index) else { throw row.nullError(index, Self.self) }
        guard let value = Self(rawValue: text) else {
            throw row.statement.readError(
                "column \(row.statement.columnName(index)) holds \"\(text)\", not a \(typeName(Self.self))")
        }
        return value
    }
}

extension SQLBindable where Self: RawRepresentable, RawValue == String {
    public func bind(to statement: Statement, at index: Int) throws { try rawValue.bind(to: statement, at: index) }
}

/// A type's name with the types it is nested in (`Outcome.Class`, not
/// `Class`), without its module.
@usableFromInline func typeName(_ type: Any.Type) -> String {
    String(reflecting: type).split(separator: ".").dropFirst().joined(separator: ".")
}
