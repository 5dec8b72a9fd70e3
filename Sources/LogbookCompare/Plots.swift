import LogbookStore

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
                Chart.document([reader.energyChart(try reader.frames()),
                                reader.trajectoryChart(try reader.trajectories(of: particles), plane: plane)])
            case .crawl:
                Chart.document(try reader.crawlCharts())
            }
        }
    }
}

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

    /// Pages fetched per second, and dead links found so far, against seconds
    /// since the first fetch (a resumed crawl shows its pause as a gap).
    func crawlCharts() throws -> [Chart] {
        let select = try connection.prepare("""
            SELECT julianday(f.fetched_at) * 86400.0, u.internal, f.outcome IN ('dead', 'error')
            FROM fetches AS f JOIN urls AS u ON u.id = f.url_id WHERE f.run_id = ? ORDER BY f.fetched_at
            """)
        try select.bind(run.id, at: 1)
        var fetches: [(time: Double, page: Bool, dead: Bool)] = []
        while try select.step() { fetches.append((select.double(0), select.int64(1) != 0, select.int64(2) != 0)) }
        let start = fetches.first?.time ?? 0
        let span = (fetches.last?.time ?? 0) - start
        // Up to 60 intervals, of five pages each on average at least.
        let intervals = max(1, min(60, fetches.filter(\.page).count / 5))
        let width = max(span, 1e-3) / Double(intervals)
        var buckets = [Int](repeating: 0, count: intervals)
        var dead: [SIMD2<Double>] = [SIMD2(0, 0)], found = 0.0
        for fetch in fetches {
            let at = fetch.time - start
            if fetch.page { buckets[min(Int(at / width), buckets.count - 1)] += 1 }
            if fetch.dead {
                dead.append(SIMD2(at, found))
                found += 1
                dead.append(SIMD2(at, found))
            }
        }
        dead.append(SIMD2(span, found))
        let rate = buckets.enumerated().flatMap { interval, pages in
            [SIMD2(Double(interval) * width, Double(pages) / width), SIMD2(Double(interval + 1) * width, Double(pages) / width)]
        }
        return [
            Chart(title: "Pages fetched, run \(run.id)", xLabel: "seconds since the first fetch",
                  yLabel: "pages per second", series: [Chart.Series(name: "pages/s", points: fetches.isEmpty ? [] : rate)],
                  yFromZero: true),
            Chart(title: "Dead links found, run \(run.id)", xLabel: "seconds since the first fetch",
                  yLabel: "dead links", series: [Chart.Series(name: "dead links", points: fetches.isEmpty ? [] : dead)],
                  yFromZero: true, countsOnY: true),
        ]
    }
}
