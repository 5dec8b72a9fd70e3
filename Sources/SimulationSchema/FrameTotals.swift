public import LogbookStore

/// A frame's totals: its row in `frames`, live (from a `Frame`) or read
/// back. A value that is not finite is recorded as NULL and is nil here,
/// so a live frame's totals and its recorded row are the same value.
public struct FrameTotals: RowDecodable, Hashable, Sendable {
    public let step: Int64
    public let time: Double
    public let kinetic: Double?
    public let potential: Double?
    public let total: Double?
    /// nil when a component is not finite.
    public let momentum: SIMD3<Double>?

    public init(
        step: Int64, time: Double, kinetic: Double?, potential: Double?, total: Double?, momentum: SIMD3<Double>?
    ) {
        (self.step, self.time, self.kinetic, self.potential, self.total) = (step, time, kinetic, potential, total)
        self.momentum = momentum
    }

    /// The totals `RecordFrame` writes for `frame`.
    public init(_ frame: Frame) {
        func recorded(_ value: Double) -> Double? { value.isFinite ? value : nil }
        let p = frame.momentum
        self.init(
            step: Int64(frame.step), time: frame.time, kinetic: recorded(frame.kinetic),
            potential: recorded(frame.potential), total: recorded(frame.total),
            momentum: p.x.isFinite && p.y.isFinite && p.z.isFinite ? p : nil)
    }

    public init(row: Row) throws {
        let (px, py, pz): (Double?, Double?, Double?) = (try row["px"], try row["py"], try row["pz"])
        try self.init(
            step: row["step"], time: row["time"], kinetic: row["kinetic"], potential: row["potential"],
            total: row["total"], momentum: px.flatMap { x in py.flatMap { y in pz.map { SIMD3(x, y, $0) } } })
    }
}

/// Drift: how far a run moved from its first frame in what a perfect
/// integrator conserves. Defined here once, for the live summary, `report`
/// and `plot`; nil where a total is unknown (was not finite).
extension FrameTotals {
    /// (E − E₀) / |E₀| from `origin` to these totals: the signed relative
    /// change of total energy; nil when E₀ is 0 (one particle at rest has
    /// no energy to drift from).
    public func energyChange(since origin: FrameTotals) -> Double? {
        guard let energy = total, let start = origin.total, start != 0 else { return nil }
        return (energy - start) / abs(start)
    }

    /// |E − E₀| / |E₀| from `origin` to these totals (see `energyChange`).
    /// Not finite when the energies overflow: a caller decides what that means.
    public func energyDrift(since origin: FrameTotals) -> Double? {
        energyChange(since: origin).map(abs)
    }

    /// |P − P₀| from `origin` to these totals.
    public func momentumDrift(since origin: FrameTotals) -> Double? {
        guard let momentum, let start = origin.momentum else { return nil }
        let d = momentum - start
        return (d * d).sum().squareRoot()
    }
}
