/// One `Migrations/NNNN_name.sql` file, embedded in the binary at build time.
public struct Migration: Hashable, Sendable {
    public let version: Int
    public let name: String
    /// SHA-256 of the file, as `sha256sum` prints it.
    public let checksum: String
    public let sql: String

    public init(version: Int, name: String, checksum: String, sql: String) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.sql = sql
    }

    /// The file this migration came from, e.g. `0001_runs.sql`.
    public var fileName: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name + ".sql"
    }

    /// The migrations this binary ships, in version order.
    public static var shipped: [Migration] { embedded }

    /// The same schema in PostgreSQL's dialect (`Migrations/postgres/`),
    /// numbered on its own: PostgreSQL has what only a shared crawl needs.
    public static var shippedForPostgres: [Migration] { embeddedPostgres }
}

/// 'LOGB' in the SQLite header's application_id: marks a file as logbook's.
let logbookApplicationID: Int64 = 0x4C4F_4742

extension Connection {
    /// Brings the file up to the newest of `migrations`, each in its own
    /// transaction, and returns the schema version. Puts the file in WAL mode.
    ///
    /// Refuses, changing nothing, a file whose recorded migration differs
    /// from the shipped one, a file migrated by a newer logbook, and an
    /// SQLite file that another program made. Processes migrating one new
    /// file at once take turns: each step checks again inside its transaction.
    @discardableResult
    public func migrate(_ migrations: [Migration]? = nil) throws -> Int {
        let migrations = migrations ?? shippedMigrations
        // PostgreSQL clients migrating one database at once take turns: its catalog
        // lookups are not bound to a transaction's snapshot, so checks alone could race.
        if isPostgres {
            try execute("SELECT pg_advisory_lock(\(logbookApplicationID))")
        }
        defer { if isPostgres { try? execute("SELECT pg_advisory_unlock(\(logbookApplicationID))") } }
        var applied = try checkedSchema(against: migrations)
        // Only now that the file is known to be logbook's (or empty) may it change.
        try enableWAL()
        if applied == nil {
            try transaction {
                guard try checkedSchema(against: migrations) == nil else { return }
                try execute(
                    isPostgres
                        ? """
                        CREATE TABLE schema_migrations (
                            version    integer PRIMARY KEY,
                            name       text NOT NULL,
                            checksum   text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        );
                        COMMENT ON TABLE schema_migrations IS '\(Self.postgresMark)';
                        """
                        : """
                        PRAGMA application_id = \(logbookApplicationID);
                        CREATE TABLE schema_migrations (
                            version    INTEGER PRIMARY KEY,
                            name       TEXT NOT NULL,
                            checksum   TEXT NOT NULL,
                            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                        );
                        """)
            }
            applied = [:]
        }
        for migration in migrations where applied?[migration.version] == nil {
            try transaction {
                // Another process may have applied it since we looked.
                applied = try checkedSchema(against: migrations)
                guard applied?[migration.version] == nil else { return }
                do {
                    try execute(migration.sql)
                } catch let error as StoreError {
                    throw StoreError(
                        error.code, path: path,
                        message: "migration \(migration.fileName) failed: \(error.message)",
                        resultCode: error.resultCode)
                }
                let insert = try prepare(
                    """
                    INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)
                    """)
                try insert.bind(migration.version, migration.name, migration.checksum)
                try insert.run()
            }
        }
        return try schemaVersion()
    }

    /// Refuses a file whose schema is not the one this binary ships, as
    /// `migrate` would (another program's file, a changed migration, a newer
    /// logbook's file), and an older one: readers never migrate, so it is
    /// named with the command that does.
    public func requireCurrentSchema(_ migrations: [Migration]? = nil) throws {
        let migrations = migrations ?? shippedMigrations
        let current = migrations.last?.version ?? 0
        let applied = try checkedSchema(against: migrations) ?? [:]
        let version = applied.keys.max() ?? 0
        if applied.isEmpty, isPostgres {
            throw StoreError(
                .missingDatabase, path: path,
                message: "this PostgreSQL database holds no logbook tables yet; crawl into it first")
        }
        if applied.count < migrations.count {
            throw StoreError(
                .schemaTooOld, path: path,
                message: """
                    written by an older logbook (schema \(version) of \(current)), and readers do not migrate
                    """)
        }
    }

    /// The newest migration applied to this file; 0 for a new one.
    public func schemaVersion() throws -> Int {
        guard try hasTable("schema_migrations") else { return 0 }
        guard case .integer(let version) = try scalar("SELECT max(version) FROM schema_migrations") else { return 0 }
        return Int(version)
    }

    func hasTable(_ name: String) throws -> Bool {
        let sql =
            isPostgres
            ? "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?"
            : "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"
        return try prepare(sql).bound(name).scalar(Int.self) != nil
    }

    /// The migrations this binary ships for this connection's engine.
    var shippedMigrations: [Migration] { isPostgres ? Migration.shippedForPostgres : Migration.shipped }

    /// What marks a PostgreSQL schema as logbook's, as `application_id` marks an SQLite file.
    private static let postgresMark = "logbook schema_migrations"

    /// The applied migrations by version, each checked against the shipped
    /// one; nil for an empty file that logbook may claim. Refuses an SQLite
    /// file that another program made.
    /// One snapshot: a process migrating the same new file commits between
    /// two separate reads, which would make a claimable file look foreign.
    private func checkedSchema(against migrations: [Migration]) throws -> [Int: Migration]? {
        if isPostgres { return try checkedPostgresSchema(against: migrations) }
        return try snapshot {
            let id = try scalar("PRAGMA application_id")
            if id == .integer(logbookApplicationID), try hasTable("schema_migrations") {
                return try validatedMigrations(against: migrations)
            }
            guard id == .integer(0), try scalar("SELECT count(*) FROM sqlite_schema") == .integer(0) else {
                throw StoreError(
                    .foreignDatabase, path: path,
                    message:
                        "this SQLite file was not made by logbook; refusing to read it as a logbook or add tables to it"
                )
            }
            return nil
        }
    }

    /// `checkedSchema` for PostgreSQL: the current schema is logbook's when
    /// its `schema_migrations` carries logbook's mark, and may become
    /// logbook's when it has no tables, views or functions yet.
    private func checkedPostgresSchema(against migrations: [Migration]) throws -> [Int: Migration]? {
        try snapshot {
            let mark = try prepare(
                "SELECT obj_description(to_regclass('schema_migrations'), 'pg_class')"
            ).scalar(String?.self)
            if mark == .some(Self.postgresMark) { return try validatedMigrations(against: migrations) }
            let objects = try prepare(
                """
                SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace)
                     + (SELECT count(*) FROM pg_proc WHERE pronamespace = current_schema()::regnamespace)
                """
            ).scalar(Int.self)
            guard objects == 0 else {
                throw StoreError(
                    .foreignDatabase, path: path,
                    message: """
                        schema \(try prepare("SELECT current_schema()").scalar(String.self) ?? "?") of this \
                        PostgreSQL database holds tables that logbook did not make; refusing to read them as a \
                        logbook or add tables beside them (give logbook a database, or a schema via \
                        ?options=-csearch_path%3DNAME, of its own)
                        """)
            }
            return nil
        }
    }

    /// The applied migrations by version, after checking each against the shipped one.
    private func validatedMigrations(against migrations: [Migration]) throws -> [Int: Migration] {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let newest = migrations.last?.version ?? 0
        let rows = try prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        var applied: [Int: Migration] = [:]
        while let recorded = try rows.next({ row in
            Migration(version: try row["version"], name: try row["name"], checksum: try row["checksum"], sql: "")
        }) {
            guard let shipped = known[recorded.version] else {
                throw StoreError(
                    .schemaTooNew, path: path,
                    message: """
                        migration \(recorded.fileName) (version \(recorded.version)) was applied by a newer logbook; \
                        this one knows versions up to \(newest). Use a newer logbook to open this file
                        """)
            }
            guard shipped.checksum == recorded.checksum, shipped.name == recorded.name else {
                throw StoreError(
                    .migrationChanged, path: path,
                    message: """
                        migration \(recorded.fileName) (version \(recorded.version)) was applied with checksum \
                        \(recorded.checksum), but this logbook ships \(shipped.fileName) with checksum \
                        \(shipped.checksum); the migration changed after it was applied, so the schema cannot be trusted
                        """)
            }
            applied[recorded.version] = shipped
        }
        return applied
    }
}
