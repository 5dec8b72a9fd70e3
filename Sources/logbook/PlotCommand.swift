import ArgumentParser
import CrawlSchema
import Foundation
import LogbookCompare
import LogbookStore

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write an SVG of a run: energy and trajectories, or pages per second and dead links.",
        discussion: """
            A simulation gives energy over time beside a 2-D projection of trajectories \
            (--particles picks them, default: up to 10 spread over the indices; --plane picks the \
            projection). A crawl gives pages fetched per second beside dead links found over time.
            """)

    @OptionGroup var document: DocumentOptions
    // Read even when it starts with "-", so "-1" is refused as an index, not taken for a flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("Particles to draw, e.g. 0,3,5-9.", valueName: "list"))
    var particles: String?
    @Option(help: "The projection: xy, xz or yz.") var plane: Plane?

    func run() throws {
        let reader = try document.open()
        if reader.run.kind == .crawl, particles != nil || plane != nil {
            throw UsageError("--particles and --plane apply to simulations; run \(reader.run.id) is a crawl")
        }
        try document.write(try Plot.svg(reader, particles: try particles.map(parseParticles), plane: plane ?? .xy))
    }

    /// "0,3,5-9" → [0, 3, 5, 6, 7, 8, 9].
    private func parseParticles(_ list: String) throws -> [Int64] {
        try list.split(separator: ",").flatMap { item -> [Int64] in
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map {
                Int64($0.trimmingCharacters(in: .whitespaces))
            }
            switch bounds.count {
            case 1: if let index = bounds[0], index >= 0 { return [index] }
            case 2:
                if let low = bounds[0], let high = bounds[1], 0 <= low, low <= high, high - low < 1000 {
                    return Array(low...high)
                }
            default: break
            }
            throw UsageError(
                """
                --particles \(list): \"\(item)\" is not an index or a range like 5-9 (indices count from 0; \
                a range spans at most 1000)
                """)
        }
    }
}
