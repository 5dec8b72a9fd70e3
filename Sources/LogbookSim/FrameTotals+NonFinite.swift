import SimulationSchema

extension FrameTotals {
    /// The totals that are not finite ("kinetic energy", …, "momentum"),
    /// none when all are: a run whose energies overflow (masses near 1e308,
    /// a huge G) has no drift to report, so it fails like a step whose
    /// state goes non-finite, and cannot be resumed from such a frame.
    var nonFinite: [String] {
        func finite(_ value: Double?) -> Bool { value?.isFinite ?? false }
        let finiteMomentum = momentum.map { finite($0.x) && finite($0.y) && finite($0.z) } ?? false
        return [
            ("kinetic energy", finite(kinetic)), ("potential energy", finite(potential)),
            ("total energy", finite(total)), ("momentum", finiteMomentum),
        ]
        .filter { !$0.1 }.map(\.0)
    }
}
