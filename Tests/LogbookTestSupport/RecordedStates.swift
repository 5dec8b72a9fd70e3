import LogbookStore

/// Every recorded state of a run, in (step, particle) order, as exact bit
/// patterns: two runs are bit-identical when these are equal.
public struct RecordedStates: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public let step: Int64, particle: Int64
        public let bits: [UInt64]
        public var values: [Double] { bits.map(Double.init(bitPattern:)) }
    }

    public let rows: [Row]

    public init(run: Int64, in path: String, fromStep first: Int64 = 0) throws {
        let database = try Connection(path: path, mode: .readOnly)
        let select = try database.prepare(
            """
            SELECT step, particle, x, y, z, vx, vy, vz FROM states WHERE run_id = ? AND step >= ? ORDER BY step, particle
            """)
        try select.bind(run, first)
        var rows: [Row] = []
        while try select.step() {
            rows.append(
                Row(
                    step: select.int64(0), particle: select.int64(1),
                    bits: (2..<8).map { select.double($0).bitPattern }))
        }
        self.rows = rows
    }

    /// Where `other` first differs, or nil when the two are bit-identical.
    /// (Cheap to print, unlike a diff of hundreds of thousands of rows.)
    public func difference(from other: RecordedStates) -> String? {
        difference(from: other.rows)
    }

    public func difference(from other: [Row]) -> String? {
        for (index, (mine, theirs)) in zip(rows, other).enumerated() where mine != theirs {
            return "row \(index) differs: \(mine) vs \(theirs)"
        }
        return rows.count == other.count ? nil : "\(rows.count) rows vs \(other.count)"
    }

    /// The states of one step.
    public func at(step: Int64) -> [Row] { rows.filter { $0.step == step } }

    public var steps: [Int64] { Array(Set(rows.map(\.step))).sorted() }
}

/// Every frame's step and totals (energies, momentum) as text with every
/// digit (`%a`): two runs' frames agree bit for bit when these are equal.
public func frameTotals(in database: String) throws -> String {
    try succeeding(
        "query", "--db", database, "--format", "csv",
        "SELECT step, printf('%a %a %a %a %a', kinetic, potential, px, py, pz) FROM frames ORDER BY step")
}
