internal import CSQLite

extension StoreError.Code {
    /// `query` was given SQL that SQLite cannot prepare, or more than one statement.
    public static let invalidQuery = StoreError.Code("invalid query")
}

extension Connection {
    /// Prepares one statement typed by a person, refusing anything that
    /// would write (INSERT, UPDATE, DELETE, CREATE, …), ATTACH and DETACH,
    /// and PRAGMAs that set a value. Nothing is run before it is checked.
    public func prepareQuery(_ sql: String) throws -> Statement {
        var first: OpaquePointer?
        var rest: UnsafePointer<CChar>?
        let statement: Statement = try sql.withCString { text in
            let code = sqlite3_prepare_v2(handle, text, -1, &first, &rest)
            guard code == SQLITE_OK else { throw queryError(code) }
            guard let first else {
                throw StoreError(.invalidQuery, path: path, message: "no SQL statement in the query")
            }
            let statement = Statement(handle: first, connection: self)
            var second: OpaquePointer?
            let tailCode = sqlite3_prepare_v2(handle, rest, -1, &second, nil)
            if let second {
                sqlite3_finalize(second)
                throw StoreError(.invalidQuery, path: path,
                                 message: "one statement at a time; found another after the first: \(String(cString: rest!))")
            }
            guard tailCode == SQLITE_OK else { throw queryError(tailCode) }
            return statement
        }
        guard statement.isReadOnly else {
            throw StoreError(.queryRefused, path: path,
                             message: "`logbook query` only reads; this statement would write to the database: \(sql)")
        }
        return statement
    }

    private func queryError(_ code: Int32) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        if ResultCode.authorization ~= ResultCode(rawValue: code) {
            return StoreError(.queryRefused, path: path, message: """
                `logbook query` only reads; ATTACH, DETACH and PRAGMAs that set a value are refused (\(message))
                """, resultCode: ResultCode(rawValue: code))
        }
        return StoreError(.invalidQuery, path: path, message: "bad SQL: \(message)", resultCode: ResultCode(rawValue: code))
    }
}
