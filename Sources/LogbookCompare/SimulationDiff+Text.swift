extension SimulationDiff {
    /// The comparison for a person: settings first, then divergence and a
    /// sample of the per-step differences (`--format json` has every step).
    public var text: String {
        var lines = [
            "simulation diff: run \(a) → run \(b), \(particles) particle\(particles == 1 ? "" : "s"), \(steps.count) recorded step\(steps.count == 1 ? "" : "s") in common"
        ]
        lines += settingLines(settings)
        lines.append("tolerance: |Δ| ≤ \(readable(tolerance.absolute)) + \(readable(tolerance.relative)) × |A|")
        lines.append(
            "energy drift: A final \(readable(energyDriftA.final)), max \(readable(energyDriftA.maximum)); "
                + "B final \(readable(energyDriftB.final)), max \(readable(energyDriftB.maximum))")
        let shown = sample(steps, around: firstDivergence?.step, limit: 20)
        if !shown.isEmpty {
            lines.append("step      max |Δx|      rms |Δx|      max |Δv|      rms |Δv|")
            for step in shown {
                let values = [step.maxPosition, step.rmsPosition, step.maxVelocity, step.rmsVelocity].map {
                    readable($0)
                }
                let columns = values.dropLast().map { $0.padding(13) + " " }.joined() + values[values.count - 1]
                lines.append("\(String(step.step).padding(8))  \(columns)")
            }
            if shown.count < steps.count {
                lines.append("(\(shown.count) of \(steps.count) steps shown; --format json lists all)")
            }
        }
        if let divergence = firstDivergence {
            lines.append(
                "DIVERGED at step \(divergence.step): particle \(divergence.particle)'s \(divergence.quantity) differs by "
                    + "\(readable(divergence.difference)) (allowed \(readable(divergence.allowed)))")
        } else {
            lines.append("no divergence beyond the tolerance")
        }
        return lines.joined(separator: "\n")
    }
}

/// At most `limit` steps spread evenly, always with the first, the last and
/// the one at `step` and the one before it.
func sample(_ steps: [SimulationDiff.Step], around step: Int64?, limit: Int) -> [SimulationDiff.Step] {
    guard steps.count > limit else { return steps }
    var indices = Set(evenlySpaced(steps.count, limit: limit))
    if let step, let index = steps.firstIndex(where: { $0.step == step }) {
        indices.formUnion([index - 1, index].filter { $0 >= 0 })
    }
    return indices.sorted().map { steps[$0] }
}

/// `limit` indices of `count` items, spread evenly from the first to the
/// last (the last alone for a limit of 1); all of them when they fit.
func evenlySpaced(_ count: Int, limit: Int) -> [Int] {
    guard count > limit else { return Array(0..<count) }
    guard limit > 1 else { return Array(count - limit..<count) }
    return (0..<limit).map { $0 * (count - 1) / (limit - 1) }
}
