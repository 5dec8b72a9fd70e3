import Testing

@testable import LogbookCompare

/// What the text diff's and the report's step tables keep of a long run
/// (`sample`), and what a chart keeps of a long series (`Chart.thinned`).
@Suite struct SamplingTests {
    /// `count` steps numbered 0, 10, 20…, so a step's number is not its index.
    func steps(_ count: Int) -> [SimulationDiff.Step] {
        (0..<count).map {
            SimulationDiff.Step(
                step: Int64($0 * 10), maxPosition: Double($0), rmsPosition: 0, maxVelocity: 0, rmsVelocity: 0)
        }
    }

    /// The recorded step numbers `sample` keeps of 30 steps, at most 5 of them.
    func sampled(around step: Int64?) -> [Int64] {
        sample(steps(30), around: step, limit: 5).map(\.step)
    }

    @Test func stepsWithinTheLimitAreAllKept() {
        #expect(sample(steps(5), around: nil, limit: 5) == steps(5))
        #expect(sample(steps(5), around: 20, limit: 5) == steps(5))
        #expect(sample([], around: nil, limit: 5).isEmpty)
    }

    @Test func moreStepsAreSpreadEvenlyFromTheFirstToTheLast() {
        // Indices 0, 29/4, 2·29/4, 3·29/4 and 29, rounded down.
        #expect(sampled(around: nil) == [0, 70, 140, 210, 290])
        #expect(sample(steps(100), around: nil, limit: 2).map(\.step) == [0, 990])
        #expect(sample(steps(100), around: nil, limit: 1).map(\.step) == [990], "one step: the last")
        #expect(sample(steps(100), around: nil, limit: 0).isEmpty)
    }

    @Test func theDivergingStepAndTheOneBeforeItAreKept() {
        #expect(sampled(around: 100) == [0, 70, 90, 100, 140, 210, 290])
        #expect(sampled(around: 290) == [0, 70, 140, 210, 280, 290])
        #expect(sampled(around: 0) == [0, 70, 140, 210, 290], "no step before the first")
        #expect(sampled(around: 105) == [0, 70, 140, 210, 290], "a step not recorded adds nothing")
    }

    /// `count` points whose x is their index.
    func points(_ count: Int) -> [SIMD2<Double>] { (0..<count).map { SIMD2(Double($0), 0) } }

    @Test func aChartThinsALongSeriesEvenlyKeepingTheFirstAndLastPoints() {
        let chart = Chart(title: "t", xLabel: "x", yLabel: "y", series: [])
        #expect(Chart.maximumPoints == 1500)
        #expect(chart.thinned(points(1500)) == points(1500))
        // (count, every how many points one is kept, how many are kept)
        for (count, stride, kept) in [
            (1501, 2, 751), (1502, 2, 752), (2999, 2, 1500), (3000, 3, 1001), (4500, 4, 1126),
            (4501, 4, 1126),
        ] {
            let thinned = chart.thinned(points(count))
            #expect(thinned.count == kept && kept <= Chart.maximumPoints, "\(count) points")
            #expect(thinned.first?.x == 0 && thinned.last?.x == Double(count - 1), "\(count) points")
            #expect(
                thinned.dropLast().enumerated().allSatisfy { $0.element.x == Double($0.offset * stride) },
                "\(count) points")
        }
    }
}
