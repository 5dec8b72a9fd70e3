import CrawlSchema
import LogbookStore
import SimulationSchema

/// The 2-D projection a trajectory plot draws.
public enum Plane: String, Sendable, CaseIterable {
    case xy, xz, yz

    func project(_ p: SIMD3<Double>) -> SIMD2<Double> {
        switch self {
        case .xy: SIMD2(p.x, p.y)
        case .xz: SIMD2(p.x, p.z)
        case .yz: SIMD2(p.y, p.z)
        }
    }
}

/// `logbook plot`: one SVG with a run's two charts side by side.
public enum Plot: Sendable {
    /// A simulation's energy over time and trajectories; a crawl's pages
    /// per second and dead links over time.
    public static func svg(_ reader: RunReader, particles: [Int64]? = nil, plane: Plane = .xy) throws -> String {
        try reader.snapshot {
            switch reader.run.kind {
            case .simulation:
                Chart.document([
                    Chart.energy(try reader.simulation.frames(), run: reader.run.id),
                    Chart.trajectories(
                        try reader.simulation.trajectories(of: particles), plane: plane,
                        run: reader.run.id),
                ])
            case .crawl:
                Chart.document(Chart.crawlActivity(try reader.crawl.fetchTimeline(), run: reader.run.id))
            default:
                throw reader.unknownKind
            }
        }
    }
}
