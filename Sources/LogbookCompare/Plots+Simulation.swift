import LogbookStore
import SimulationSchema

/// A particle's recorded positions, named by its index and label.
struct Trajectory {
    let name: String
    let positions: [SIMD3<Double>]
}

extension Chart {
    /// Energies over time; one recorded as NULL (not finite) is a NaN
    /// point, which the chart counts among those it could not draw.
    static func energy(_ frames: [FrameTotals], run: Int64) -> Chart {
        func series(_ name: String, _ value: (FrameTotals) -> Double?) -> Chart.Series {
            Chart.Series(name: name, points: frames.map { SIMD2($0.time, value($0) ?? .nan) })
        }
        return Chart(
            title: "Energy, run \(run)", xLabel: "time", yLabel: "energy",
            series: [series("kinetic", \.kinetic), series("potential", \.potential), series("total", \.total)])
    }

    /// |E − E₀| / |E₀| and |P − P₀| over time, each on its own scale: how
    /// well the integrator conserves. Without a finite, nonzero E₀ (or a
    /// finite P₀) the drift is undefined and its chart has no data.
    static func drift(_ frames: [FrameTotals], run: Int64) -> [Chart] {
        // NaN at a frame without a drift; no data when the first frame has none from itself.
        func drift(_ value: (_ frame: FrameTotals, _ first: FrameTotals) -> Double?) -> [SIMD2<Double>] {
            guard let first = frames.first, value(first, first) != nil else { return [] }
            return frames.map { SIMD2($0.time, value($0, first) ?? .nan) }
        }
        let energyDrift = drift { $0.energyDrift(since: $1) }, momentumDrift = drift { $0.momentumDrift(since: $1) }
        return [
            Chart(
                title: "Energy drift, run \(run)", xLabel: "time", yLabel: "|E − E₀| / |E₀|",
                series: [Chart.Series(name: "energy drift", points: energyDrift)]),
            Chart(
                title: "Momentum drift, run \(run)", xLabel: "time", yLabel: "|P − P₀|",
                series: [Chart.Series(name: "momentum drift", points: momentumDrift)]),
        ]
    }

    static func trajectories(_ trajectories: [Trajectory], plane: Plane, run: Int64) -> Chart {
        let axes = Array(plane.rawValue).map(String.init)
        return Chart(
            title: "Trajectories (\(plane.rawValue)), run \(run)", xLabel: axes[0], yLabel: axes[1],
            series: trajectories.map {
                Chart.Series(name: $0.name, points: $0.positions.map(plane.project), marksStart: true)
            },
            equalScale: true)
    }
}

extension RecordedSimulation {
    /// The recorded positions of `chosen` particles (default: up to 10
    /// spread over the indices), each named by index and label.
    func trajectories(of chosen: [Int64]?) throws -> [Trajectory] {
        let labels = try particleLabels()
        let count = Int64(labels.count)
        if let bad = chosen?.first(where: { !(0..<count).contains($0) }) {
            throw CompareError(
                .options,
                "--particles \(bad): run \(runID) has \(count) particle\(count == 1 ? "" : "s") (0–\(max(count - 1, 0)))"
            )
        }
        let picked = chosen ?? (count <= 10 ? Array(0..<count) : (0..<10).map { $0 * (count - 1) / 9 })
        return try picked.map { particle in
            Trajectory(
                name: labels[Int(particle)].map { "\(particle) \($0)" } ?? "particle \(particle)",
                positions: try trajectory(of: particle))
        }
    }
}
