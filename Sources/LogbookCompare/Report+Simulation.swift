import LogbookStore
import SimulationSchema

extension Report {
    /// Counts and drifts, energy and drift charts, trajectories and the frames.
    static func simulationSections(_ simulation: RecordedSimulation, on page: inout HTMLPage) throws {
        let run = simulation.runID
        let frames = try simulation.frames()
        let drift = SimulationDiff.EnergyDrift(frames)
        // From the first frame with a recorded (finite) momentum.
        let momentumDrift = frames.first { $0.momentum != nil }.map { first in
            frames.compactMap { $0.momentumDrift(since: first) }.max() ?? 0
        }
        page.heading("Summary")
        page.cards([
            ("particles", "particles", String(try simulation.particleCount)),
            ("frames", "recorded frames", String(frames.count)),
            ("last_step", "last recorded step", frames.last.map { String($0.step) } ?? "—"),
            ("energy_drift", "final energy drift", readable(drift.final)),
            ("max_energy_drift", "max energy drift", readable(drift.maximum)),
            ("momentum_drift", "max |P − P₀|", momentumDrift.map { readable($0) } ?? "—"),
        ])
        page.heading("Energy and conservation")
        for chart in [Chart.energy(frames, run: run)] + Chart.drift(frames, run: run) {
            page.raw(Chart.document([chart], width: 600, height: 400))
        }
        page.heading("Trajectories")
        let trajectories = try simulation.trajectories(of: nil)
        for plane in [Plane.xy, .xz] {
            page.raw(
                Chart.document([Chart.trajectories(trajectories, plane: plane, run: run)], width: 600, height: 520))
        }
        let shown = evenlySpaced(frames.count, limit: Report.rowLimit).map { frames[$0] }
        page.heading("Frames (\(frames.count))")
        page.table(
            id: "frames", headers: ["step", "time", "kinetic", "potential", "total", "px", "py", "pz"],
            rows: shown.map { frame in
                [
                    .integer(frame.step), .real(frame.time), .real(frame.kinetic), .real(frame.potential),
                    .real(frame.total),
                    .real(frame.momentum?.x), .real(frame.momentum?.y), .real(frame.momentum?.z),
                ]
            }, sortable: true)
        if shown.count < frames.count {
            page.paragraph("\(shown.count) of \(frames.count) frames shown, evenly spaced.", className: "note")
        }
    }
}

extension SimulationDiff {
    static func section(_ diff: SimulationDiff, on page: inout HTMLPage) {
        page.heading("Compared with run \(diff.a)")
        if let divergence = diff.firstDivergence {
            page.paragraph(
                "Diverged at step \(divergence.step): particle \(divergence.particle)'s \(divergence.quantity) differs by \(readable(divergence.difference)) (allowed \(readable(divergence.allowed))).",
                className: "bad")
        } else {
            page.paragraph(
                "No divergence beyond the tolerance over \(diff.steps.count) common steps.", className: "good")
        }
        if !diff.settings.isEmpty {
            page.table(
                id: "setting-changes", headers: ["setting", "run \(diff.a)", "run \(diff.b)"],
                rows: diff.settings.map {
                    [.text($0.setting), .text($0.a ?? "—"), .text($0.b ?? "—")]
                })
        }
        page.raw(
            Chart.document(
                [
                    Chart(
                        title: "Difference from run \(diff.a)", xLabel: "step", yLabel: "|Δ position|",
                        series: [
                            Chart.Series(
                                name: "max", points: diff.steps.map { SIMD2(Double($0.step), $0.maxPosition) }),
                            Chart.Series(
                                name: "rms", points: diff.steps.map { SIMD2(Double($0.step), $0.rmsPosition) }),
                        ])
                ],
                width: 600, height: 400))
        page.table(
            id: "step-differences", headers: ["step", "max |Δx|", "rms |Δx|", "max |Δv|", "rms |Δv|"],
            rows: sample(diff.steps, around: diff.firstDivergence?.step, limit: Report.rowLimit).map {
                [
                    .integer($0.step), .real($0.maxPosition), .real($0.rmsPosition), .real($0.maxVelocity),
                    .real($0.rmsVelocity),
                ]
            }, sortable: true)
    }
}
