internal import CSQLite

extension StoreError.Code {
    /// `query` was given SQL that SQLite cannot prepare, or more than one statement.
    public static let invalidQuery = StoreError.Code("invalid query")
}

extension Connection {
    /// Prepares one statement typed by a person, refusing anything that
    /// would write (INSERT, UPDATE, DELETE, CREATE, …), ATTACH and DETACH,
    /// and PRAGMAs that set a value; PRAGMAs that read are allowed. Nothing
    /// is run before it is checked.
    public func prepareQuery(_ sql: String) throws -> Statement {
        // SQLite reads SQL up to a NUL byte: whatever followed it would be dropped unseen.
        if sql.utf8.contains(0) {
            throw StoreError(.invalidQuery, path: path, message: "the SQL contains a NUL byte")
        }
        if let postgres { return try prepareQuery(sql, on: postgres) }
        var first: OpaquePointer?
        var rest: UnsafePointer<CChar>?
        var actions = AuthorizedActions()
        let statement: Statement = try sql.withCString { text in
            // The authorizer notes what it allows while this statement is prepared.
            let code = withUnsafeMutablePointer(to: &actions) { actions in
                sqlite3_set_authorizer(handle, readOnlyAuthorizer, actions)
                defer { sqlite3_set_authorizer(handle, readOnlyAuthorizer, nil) }
                return sqlite3_prepare_v2(handle, text, -1, &first, &rest)
            }
            guard code == SQLITE_OK else { throw queryError(code) }
            guard let first else {
                throw StoreError(.invalidQuery, path: path, message: "no SQL statement in the query")
            }
            let statement = Statement(handle: first, connection: self)
            var second: OpaquePointer?
            let tailCode = sqlite3_prepare_v2(handle, rest, -1, &second, nil)
            if let second {
                sqlite3_finalize(second)
                throw StoreError(
                    .invalidQuery, path: path,
                    message: "one statement at a time; found another after the first: \(String(cString: rest!))")
            }
            guard tailCode == SQLITE_OK else { throw queryError(tailCode) }
            return statement
        }
        // SQLite counts PRAGMAs such as `journal_mode` as writing even without
        // a value; the authorizer has let through only those that read.
        let readingPragma = actions.readingPragma && !actions.other
        // SQLite counts them as reading, but they would only print "(0 rows)".
        if actions.transactionControl {
            throw StoreError(
                .queryRefused, path: path,
                message: """
                    a query is one statement that reads; BEGIN, COMMIT, ROLLBACK, END, SAVEPOINT and RELEASE are not queries: \(sql)
                    """)
        }
        guard statement.isReadOnly || readingPragma else {
            throw StoreError(
                .queryRefused, path: path,
                message: "a query only reads; this statement would write to the database: \(sql)")
        }
        return statement
    }

    /// Runs `body` so that a statement of this connection stops, failing with
    /// SQLite's "interrupted", once `shouldStop` returns true. SQLite asks it
    /// every thousand steps of its virtual machine, on this thread: a signal
    /// handler need only set the flag it reads. (`sqlite3_interrupt` from
    /// another thread would be lost if it came just before a statement started.)
    /// On PostgreSQL the statement runs on the server while this thread
    /// waits for it: a watcher thread asks `shouldStop` every 50 ms and
    /// cancels it (`PQcancel`).
    public func interrupting<T>(when shouldStop: @escaping @Sendable () -> Bool, _ body: () throws -> T) throws -> T {
        if let postgres { return try postgres.cancelling(when: shouldStop, body) }
        return try withoutActuallyEscaping(shouldStop) { shouldStop in
            var check = shouldStop
            return try withUnsafeMutablePointer(to: &check) { check in
                sqlite3_progress_handler(
                    handle, 1000,
                    { context in
                        context!.assumingMemoryBound(to: (() -> Bool).self).pointee() ? 1 : 0
                    }, check)
                defer { sqlite3_progress_handler(handle, 0, nil, nil) }
                return try body()
            }
        }
    }

    /// `prepareQuery` on PostgreSQL: one statement of a kind that reads,
    /// run in a read-only transaction (the connection's default), which
    /// refuses whatever would write even where the first word hides it
    /// (`WITH … DELETE`). The transaction is never committed: what a
    /// function may still do inside it (`lo_import`) goes with the
    /// connection. Side effects outside the database's tables (ending other
    /// sessions, for a role allowed to) cannot be taken back: give `query`
    /// a role that may only read. The SQL is PostgreSQL's own.
    private func prepareQuery(_ sql: String, on session: PostgresSession) throws -> Statement {
        let word = PostgresSession.firstWord(of: sql)
        guard !word.isEmpty else {
            throw StoreError(.invalidQuery, path: path, message: "no SQL statement in the query")
        }
        guard ["select", "with", "values", "table", "explain", "show"].contains(word) else {
            throw StoreError(
                .queryRefused, path: path,
                message: "a query is one statement that reads (SELECT, WITH, VALUES, TABLE, EXPLAIN, SHOW): \(sql)")
        }
        try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            return Statement(try PostgresStatement(query: sql, on: session), connection: self)
        } catch let error as StoreError where error.sqlState.map(blamesTheQuery) == true {
            throw StoreError(
                .invalidQuery, path: path, message: "bad SQL: \(error.message)", sql: sql, sqlState: error.sqlState)
        }
    }

    private func queryError(_ code: Int32) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        if ResultCode.authorization ~= ResultCode(rawValue: code) {
            return StoreError(
                .queryRefused, path: path,
                message: """
                    a query only reads; ATTACH, DETACH and PRAGMAs that set a value or write are refused (\(message))
                    """, resultCode: ResultCode(rawValue: code))
        }
        let resultCode = ResultCode(rawValue: code)
        guard resultCode.blamesTheQuery else {
            return StoreError(.sqlite, path: path, message: describe(code, on: handle), resultCode: resultCode)
        }
        return StoreError(.invalidQuery, path: path, message: "bad SQL: \(message)", resultCode: resultCode)
    }
}

extension Statement {
    /// `step` for a statement from `prepareQuery`: a failure its author
    /// caused (an error in the SQL, a function refused, a value too big)
    /// becomes an invalid query naming the statement; I/O, corruption, a
    /// busy or full database stay failures of SQLite.
    public func stepQuery() throws -> Bool {
        do {
            return try step()
        } catch let error as StoreError where error.sqlState == "25006" {
            throw StoreError(
                .queryRefused, path: error.path, message: "a query only reads; this statement would write: \(sql)",
                sqlState: error.sqlState)
        } catch let error as StoreError where error.sqlState.map(blamesTheQuery) == true {
            throw StoreError(
                .invalidQuery, path: error.path, message: "the query failed: \(error.message): \(sql)",
                sql: sql, sqlState: error.sqlState)
        } catch let error as StoreError where error.resultCode?.blamesTheQuery == true {
            throw StoreError(
                .invalidQuery, path: error.path, message: "the query failed: \(error.message): \(sql)",
                resultCode: error.resultCode, sql: sql)
        }
    }
}

/// SQLSTATE classes that say the SQL is wrong: syntax or access (42), data
/// (22), cardinality (21), a feature not supported (0A), a constraint (23).
private func blamesTheQuery(_ state: String) -> Bool {
    ["42", "22", "21", "0A", "23"].contains(String(state.prefix(2)))
}

extension ResultCode {
    /// Codes that say the SQL is wrong rather than the database or the machine.
    var blamesTheQuery: Bool {
        [.error, .authorization, .range, .mismatch, .tooBig, .constraint].contains(primary)
    }
}
