import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct InsertRowsTests {
    let folder = TemporaryDirectory()

    /// Rows go in chunks of `rowsPerStatement` and a shorter last one, each
    /// value to its column, in order.
    @Test(arguments: [0, 1, 63, 64, 65, 150])
    func everyRowLandsInOrder(count: Int) throws {
        let database = try Connection(path: folder.database, mode: .readWrite)
        try database.execute("CREATE TABLE t (n INTEGER, name TEXT, half REAL, note TEXT)")
        let rows = (0..<count).map { ($0, "row \($0)", Double($0) / 2, $0 % 3 == 0 ? nil : "x") }
        try database.transaction {
            try database.insert(into: "t", columns: ["n", "name", "half", "note"], rows: rows) { row, binder in
                try binder.bind(row.0, row.1, row.2, row.3)
            }
        }
        let read = try database.prepare("SELECT n, name, half, note FROM t ORDER BY rowid")
        var seen = 0
        while try read.step() {
            let (n, name, half, note) = rows[seen]
            #expect(read.int64(0) == Int64(n) && read.text(1) == name && read.double(2) == half && read.text(3) == note)
            seen += 1
        }
        #expect(seen == count)
    }

    /// A memo may name rows of the transaction it was made in: a rollback
    /// drops it; a commit keeps it.
    @Test func aRollbackDropsTheMemosACommitKeepsThem() throws {
        final class Box {}
        let database = try Connection(path: folder.database, mode: .readWrite)
        let first = database.memo { Box() }
        try database.transaction {}
        #expect(database.memo { Box() } === first)
        try database.execute("BEGIN IMMEDIATE")
        database.rollback()
        #expect(database.memo { Box() } !== first)
    }
}
