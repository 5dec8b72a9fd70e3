import LogbookStore

extension RunReader {
    /// Energies over time; one recorded as NULL (not finite) is a NaN
    /// point, which the chart counts among those it could not draw.
    func energyChart(_ frames: [FrameTotals]) -> Chart {
        func series(_ name: String, _ value: (FrameTotals) -> Double?) -> Chart.Series {
            Chart.Series(name: name, points: frames.map { SIMD2($0.time, value($0) ?? .nan) })
        }
        return Chart(title: "Energy, run \(run.id)", xLabel: "time", yLabel: "energy",
                     series: [series("kinetic", \.kinetic), series("potential", \.potential), series("total", \.total)])
    }

    /// |E − E₀| / |E₀| and |P − P₀| over time, each on its own scale: how
    /// well the integrator conserves. Without a finite, nonzero E₀ (or a
    /// finite P₀) the drift is undefined and its chart has no data.
    func driftCharts(_ frames: [FrameTotals]) -> [Chart] {
        let energy = frames.first?.total.flatMap { $0 == 0 ? nil : $0 }, momentum = frames.first?.momentum
        let energyDrift = energy.map { energy in
            frames.map { SIMD2($0.time, $0.total.map { abs($0 - energy) / abs(energy) } ?? .nan) }
        } ?? []
        let momentumDrift = momentum.map { momentum in
            frames.map { SIMD2($0.time, $0.momentum.map { (($0 - momentum) * ($0 - momentum)).sum().squareRoot() } ?? .nan) }
        } ?? []
        return [
            Chart(title: "Energy drift, run \(run.id)", xLabel: "time", yLabel: "|E − E₀| / |E₀|",
                  series: [Chart.Series(name: "energy drift", points: energyDrift)]),
            Chart(title: "Momentum drift, run \(run.id)", xLabel: "time", yLabel: "|P − P₀|",
                  series: [Chart.Series(name: "momentum drift", points: momentumDrift)]),
        ]
    }

    /// The recorded positions of `chosen` particles (default: up to 10
    /// spread over the indices), each named by index and label.
    func trajectories(of chosen: [Int64]?) throws -> [(name: String, positions: [SIMD3<Double>])] {
        let labels = try particleLabels()
        let count = Int64(labels.count)
        if let bad = chosen?.first(where: { !(0..<count).contains($0) }) {
            throw CompareError(.options, "--particles \(bad): run \(run.id) has \(count) particle\(count == 1 ? "" : "s") (0–\(max(count - 1, 0)))")
        }
        let picked = chosen ?? (count <= 10 ? Array(0..<count) : (0..<10).map { $0 * (count - 1) / 9 })
        let select = try connection.prepare("""
            SELECT s.x, s.y, s.z FROM frames AS f
            CROSS JOIN states AS s ON s.run_id = f.run_id AND s.step = f.step AND s.particle = ?2
            WHERE f.run_id = ?1 ORDER BY f.step
            """)
        return try picked.map { particle in
            select.reset()
            try select.bind(run.id, at: 1)
            try select.bind(particle, at: 2)
            var positions: [SIMD3<Double>] = []
            while try select.step() { positions.append(SIMD3(select.double(0), select.double(1), select.double(2))) }
            return (labels[Int(particle)].map { "\(particle) \($0)" } ?? "particle \(particle)", positions)
        }
    }

    func trajectoryChart(_ trajectories: [(name: String, positions: [SIMD3<Double>])], plane: Plane) -> Chart {
        let axes = Array(plane.rawValue).map(String.init)
        return Chart(title: "Trajectories (\(plane.rawValue)), run \(run.id)", xLabel: axes[0], yLabel: axes[1],
                     series: trajectories.map { Chart.Series(name: $0.name, points: $0.positions.map(plane.project), marksStart: true) },
                     equalScale: true)
    }

    func particleLabels() throws -> [String?] {
        let select = try connection.prepare("SELECT label FROM particles WHERE run_id = ? ORDER BY particle")
        try select.bind(run.id, at: 1)
        var labels: [String?] = []
        while try select.step() { labels.append(select.text(0)) }
        return labels
    }
}
