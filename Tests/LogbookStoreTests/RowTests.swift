import LogbookStore
import LogbookTestSupport
import Testing

/// The typed argument and row layer: a list binds to parameters in order,
/// columns read by name or position into the type asked for, and a row the
/// code misreads is an error that names the column and the SQL.
@Suite struct RowTests {
    let folder = TemporaryDirectory()

    enum Colour: String, SQLColumnValue, SQLBindable { case red, green }

    struct Item: RowDecodable, Equatable {
        let id: Int64
        let name: String
        let weight: Double?
        let colour: Colour
        let fresh: Bool

        init(id: Int64, name: String, weight: Double?, colour: Colour, fresh: Bool) {
            (self.id, self.name, self.weight, self.colour, self.fresh) = (id, name, weight, colour, fresh)
        }

        init(row: Row) throws {
            id = try row["id"]
            name = try row["name"]
            weight = try row["weight"]
            colour = try row["colour"]
            fresh = try row["fresh"]
        }
    }

    func database() throws -> Connection {
        let database = try Connection(path: folder.database, mode: .readWrite)
        try database.execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, weight REAL, colour TEXT, fresh INTEGER)")
        let insert = try database.prepare("INSERT INTO items (id, name, weight, colour, fresh) VALUES (?, ?, ?, ?, ?)")
        for item in [
            Item(id: 1, name: "a\0b", weight: 2.5, colour: .red, fresh: true),
            Item(id: 2, name: "", weight: nil, colour: .green, fresh: false),
        ] {
            try insert.bind(item.id, item.name, item.weight, item.colour, item.fresh)
            try insert.run()
        }
        return database
    }

    @Test func aListBindsInOrderAndRowsDecodeByName() throws {
        let database = try database()
        let items = try database.prepare("SELECT fresh, colour, weight, name, id FROM items ORDER BY id").all(Item.self)
        #expect(
            items == [
                Item(id: 1, name: "a\0b", weight: 2.5, colour: .red, fresh: true),
                Item(id: 2, name: "", weight: nil, colour: .green, fresh: false),
            ])
        let heavier = try database.prepare("SELECT name FROM items WHERE weight > ?").bound(1.0).column(String.self)
        #expect(heavier == ["a\0b"])
        #expect(
            try database.prepare("SELECT count(*) FROM items WHERE colour = ?").bound(Colour.green).scalar(Int.self)
                == 1)
        #expect(try database.prepare("SELECT id FROM items WHERE id = ?").bound(Int64?.none).scalar(Int.self) == nil)
    }

    /// `forEachRow`, `all` and `scalar` leave the statement reset, so a
    /// cached statement is ready for its next use, even after an error.
    @Test func aStatementIsResetAfterItsRowsAreRead() throws {
        let database = try database()
        let select = try database.prepare("SELECT id FROM items WHERE id >= ? ORDER BY id")
        #expect(try select.bound(1).column(Int.self) == [1, 2])
        #expect(try select.column(Int.self) == [1, 2], "the bindings stay, the cursor is back at the start")
        #expect(throws: StoreError.self) {
            try select.forEachRow { _ in throw StoreError(.sqlite, path: "", message: "stop") }
        }
        #expect(try select.scalar(Int.self) == 1)
        #expect(try select.next { try $0[0] as Int } == 1)
    }

    @Test(arguments: [
        ("SELECT weight AS x FROM items WHERE id = 2", "column x is NULL, not Double"),
        ("SELECT name AS x FROM items WHERE id = 1", "no column named colour"),
        ("SELECT 'blue' AS x FROM items", "column x holds \"blue\", not a RowTests.Colour"),
        ("SELECT NULL AS x FROM items", "column x is NULL, not RowTests.Colour"),
    ])
    func aMisreadRowNamesTheColumnAndTheSQL(sql: String, message: String) throws {
        let database = try database()
        let select = try database.prepare(sql)
        let error = try #require(throws: StoreError.self) {
            _ = try select.next { row -> Void in
                if sql.contains("weight") { _ = try row["x"] as Double }
                if sql.contains("name") { _ = try row["colour"] as Colour }
                if sql.contains("blue") || sql.contains("NULL") { _ = try row["x"] as Colour }
            }
        }
        #expect(error.code == .unreadableRow)
        #expect(error.message.contains(message) && error.message.hasSuffix(sql))
        #expect(error.sql == sql)
    }

    /// A `runs` row the code never writes (by hand, with its CHECK off) is
    /// an error naming the run, so the user knows which row to look at: every
    /// command reads the runs, so any of them can meet it.
    @Test func aMisreadRunNamesTheRun() throws {
        let database = try Connection(path: folder.database, mode: .readWrite)
        _ = try database.migrate()
        try database.execute("PRAGMA ignore_check_constraints = 1")
        try database.execute(
            """
            INSERT INTO runs (id, kind, status, config, logbook_version) VALUES
                (1, 'crawl', 'completed', '{}', '0'), (7, 'crawl', 'paused', '{}', '0')
            """)
        let error = try #require(throws: StoreError.self) { try database.runs() }
        #expect(error.code == .unreadableRow)
        #expect(error.message.hasPrefix("run 7: column status holds \"paused\", not a RunStatus"))
        #expect(try database.runs(id: 1).map(\.id) == [1])
    }

    /// A failing statement's error carries its SQL.
    @Test func aFailedStepCarriesItsSQL() throws {
        let database = try database()
        let sql = "INSERT INTO items (id) VALUES (1)"
        let error = try #require(throws: StoreError.self) { try database.prepare(sql).run() }
        #expect(error.resultCode.map { ResultCode.constraint ~= $0 } == true)
        #expect(error.sql == sql)
    }
}
