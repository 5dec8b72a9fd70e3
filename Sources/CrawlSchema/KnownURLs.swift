import LogbookStore

/// The writer's memory of URLs a crawl has recorded, by URL: their row id
/// and depth, so that a link to a known URL costs a dictionary lookup
/// instead of two searches of the `urls` key (INSERT OR IGNORE, then SELECT).
/// Pages of a site link the same URLs again and again (navigation, siblings).
///
/// Bounded, so memory stays flat however large the crawl: two generations
/// of at most `limit` URLs each; when the young one fills, it becomes the
/// old one and the old one is dropped. `PageDone` stores every URL it
/// uses again, which moves it to the young one, so URLs in use survive. A
/// URL not here is looked up in the database, as before.
///
/// A depth here may be higher than the database's (`lower` may have lowered
/// it since), never lower: it only ever tells `PageDone` to try a lowering
/// that turns out not to be needed. Kept on the writer's connection
/// (`Connection.memo`), which drops it on rollback.
final class KnownURLs {
    struct Entry: RowDecodable {
        let id: Int64
        var depth: Int

        init(id: Int64, depth: Int) {
            self.id = id
            self.depth = depth
        }

        init(row: Row) throws {
            id = try row["id"]
            depth = try row["depth"]
        }
    }

    /// URLs a generation holds: with two, at most about 5 MB.
    let limit: Int
    private var runID: Int64?
    private var young: [String: Entry] = [:]
    private var old: [String: Entry] = [:]

    init(limit: Int = 16_384) {
        self.limit = limit
    }

    /// The known URLs of run `runID`: a record of another run starts over.
    func of(run runID: Int64) -> KnownURLs {
        if runID != self.runID {
            self.runID = runID
            young = [:]
            old = [:]
        }
        return self
    }

    subscript(url: String) -> Entry? {
        get { young[url] ?? old[url] }
        set {
            if young.count >= limit, young[url] == nil {
                old = young
                young = [:]
                young.reserveCapacity(limit)
            }
            young[url] = newValue
        }
    }
}
