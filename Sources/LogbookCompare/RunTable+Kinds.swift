import CrawlSchema
public import LogbookStore
import SimulationSchema

extension RunTable {
    /// The tables a run of `kind` has rows in, for `RunCopy`: nil for a kind
    /// this logbook does not know (a newer one's).
    public static func of(_ kind: RunKind) -> [RunTable]? {
        switch kind {
        case .crawl: crawl
        case .simulation: simulation
        default: nil
        }
    }
}
