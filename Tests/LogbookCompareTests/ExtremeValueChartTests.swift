import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@testable import LogbookCompare

/// Charts of runs whose values overflow, underflow or are not numbers: the
/// axes stay finite, what cannot be placed is left out and counted on the
/// chart, and `plot` and `report` still write documents that parse.
@Suite struct ExtremeValueChartTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    static let extremes: [[Double]] = [
        [1e308, -1e308], [.greatestFiniteMagnitude], [-.greatestFiniteMagnitude, 0], [1e300, -1e300], [1e300],
        [5e-324], [5e-324, 1e-323], [2.2250738585072014e-308, 1e-310], [0, 0], [3, 3], [-7.5],
        [.nan], [.nan, 1, 2], [.infinity, -.infinity], [.infinity, 4], [], [1e15, 1e15 + 0.125], [1e-300, 2e-300],
    ]

    @Test(arguments: extremes)
    func anAxisStaysFiniteWithStepsAboveZero(values: [Double]) {
        for whole in [false, true] {
            let axis = Axis(values, whole: whole)
            #expect(axis.low.isFinite && axis.high.isFinite && axis.step.isFinite, "\(values): \(axis)")
            #expect(axis.step > 0 && axis.low < axis.high, "\(values): \(axis)")
            let placed = values.filter(Axis.places)
            #expect(placed.allSatisfy { axis.low <= $0 && $0 <= axis.high }, "\(values) on \(axis)")
            #expect(!axis.ticks.isEmpty && axis.ticks.count <= 40, "\(values): \(axis.ticks.count) ticks")
            #expect(axis.ticks.allSatisfy { $0.isFinite && axis.low - axis.step <= $0 && $0 <= axis.high + axis.step })
            #expect(axis.ticks.map(axis.label).allSatisfy { !$0.isEmpty && !$0.contains("nan") && !$0.contains("inf") })
        }
    }

    @Test(arguments: extremes)
    func equalScaleAxesStayFinite(values: [Double]) {
        var x = Axis(values), y = Axis([0, 1])
        Axis.equalise(&x, &y, plotWidth: 500, plotHeight: 300)
        for axis in [x, y] {
            #expect(
                axis.low.isFinite && axis.high.isFinite && axis.step.isFinite && axis.step > 0, "\(values): \(axis)")
            #expect(axis.low < axis.high)
        }
    }

    @Test func pointsAnAxisCannotPlaceAreLeftOutAndCounted() throws {
        let chart = Chart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [
                Chart.Series(
                    name: "wild",
                    points: [SIMD2(0, 1), SIMD2(1, .nan), SIMD2(2, 1e308), SIMD2(.infinity, 3), SIMD2(4, -2)]),
                Chart.Series(name: "tame", points: [SIMD2(0, 0), SIMD2(1, 5e-324)]),
            ], equalScale: true)
        let svg = Chart.document([chart])
        #expect(svg.contains("3 points not drawn: not finite or beyond ±1e+300"), "\(svg)")
        #expect(svg.contains(#"data-series="wild" data-points="2" data-min="-2.0" data-max="1.0""#))
        #expect(svg.contains(#"data-series="tame" data-points="2""#))
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
        let file = folder.file("chart.svg")
        try svg.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try xmlProblem(in: file) == nil)

        let nothing = Chart.document([
            Chart(
                title: "t", xLabel: "x", yLabel: "y",
                series: [Chart.Series(name: "s", points: [SIMD2(.nan, .nan)])])
        ])
        #expect(nothing.contains("1 point not drawn") && !nothing.contains("no data recorded"))
        #expect(Chart.document([Chart(title: "t", xLabel: "x", yLabel: "y", series: [])]).contains("no data recorded"))
    }

    /// Two particles at ±1e308: their separation overflows at once, so the
    /// run fails after its first frame, which holds the huge positions.
    @Test func aFailedSimulationWithHugeValuesPlotsAndReports() throws {
        let input = folder.file("huge.csv")
        try "mass,x,y,z,vx,vy,vz\n1,1e308,0,0,0,0,0\n1,-1e308,0,0,0,0,0\n".write(
            toFile: input, atomically: true, encoding: .utf8)
        let run = try logbook("simulate", "--db", path, "--quiet", "--input", input, "--steps", "10")
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        try expectChartsOfRun1(notDrawn: "2 points not drawn")
    }

    /// Values no simulation writes today but a file may hold: infinities,
    /// NULL energies (non-finite when recorded), the largest and the
    /// smallest Doubles, and a frame time beyond the limit.
    @Test func aRunWithNonFiniteAndExtremeValuesInTheStorePlotsAndReports() throws {
        let database = try Connection(path: path, mode: .readWrite)
        try database.migrate()
        try database.execute(
            """
            INSERT INTO runs (kind, status, config, logbook_version) VALUES ('simulation', 'failed', '{"steps":3}', 'test');
            INSERT INTO particles (run_id, particle, mass) VALUES (1, 0, 1e308), (1, 1, 5e-324), (1, 2, 1);
            INSERT INTO frames VALUES
                (1, 0, 0, 1e308, -1e308, NULL, 1e999, -1e999, 0),
                (1, 1, 1, NULL, NULL, -1e999, NULL, NULL, NULL),
                (1, 2, 1e305, 5e-324, -5e-324, 1e-323, 1.7976931348623157e308, 0, 0),
                (1, 3, 3, 2, -3, -1, 0, 0, 0);
            WITH RECURSIVE step(s) AS (SELECT 0 UNION ALL SELECT s + 1 FROM step WHERE s < 3)
            INSERT INTO states SELECT 1, s, 0, 1e308 * (1 - 2 * (s % 2)), 1e999, 0, 0, 0, 0 FROM step
            UNION ALL SELECT 1, s, 1, 5e-324 * s, -5e-324, 1e-310, 0, 0, 0 FROM step
            UNION ALL SELECT 1, s, 2, s, CASE s WHEN 3 THEN -1e999 ELSE s END, 0, -1.7976931348623157e308, 0, 1e-320 FROM step;
            """)
        try expectChartsOfRun1(notDrawn: "points not drawn")
    }

    private func expectChartsOfRun1(notDrawn note: String) throws {
        let svgPath = folder.file("run.svg"), htmlPath = folder.file("run.html")
        let plot = try logbook("plot", "--db", path, "1", "--out", svgPath)
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(try xmlProblem(in: svgPath) == nil)
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(svg.contains(note), "\(svg)")
        #expect(!svg.contains("nan") && !svg.contains("inf\""), "no coordinate is a non-number")

        let report = try logbook("report", "--db", path, "1", "--out", htmlPath)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try xmlProblem(in: htmlPath) == nil)
        #expect(try String(contentsOfFile: htmlPath, encoding: .utf8).contains(note))
    }
}
