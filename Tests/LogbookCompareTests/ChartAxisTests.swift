import Testing

@testable import LogbookCompare

/// A chart axis's ends, steps, ticks and labels for ordinary values; the
/// values no axis should meet (overflow, denormals) are in ExtremeValueChartTests.
@Suite struct ChartAxisTests {
    /// The ticks' labels, which is how a reader sees the axis.
    func labels(_ axis: Axis) -> [String] { axis.ticks.map(axis.label) }

    @Test func stepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        let steps = [1: 1, 1.5: 2, 2.2: 2.5, 2.5: 2.5, 3: 5, 7: 10, 9.5: 10, 0.03: 0.05, 4500: 5000]
        for (raw, nice) in steps {
            #expect(Axis.niceStep(raw) == nice, "\(raw)")
        }
        // A raw step that rounding put a hair above a nice one keeps it.
        #expect(Axis.niceStep(1.000_000_1) == 1)
        #expect(Axis.niceStep(1.000_002) == 2)
    }

    @Test func aRangeIsRoundedOutToSixOrSoSteps() {
        let axis = Axis([0.4, 9.7])
        #expect([axis.low, axis.high, axis.step] == [0, 10, 2])
        #expect(axis.ticks == [0, 2, 4, 6, 8, 10])
        #expect(labels(axis) == ["0", "2", "4", "6", "8", "10"])
    }

    @Test func aRangeSpanningZeroHasATickAtZero() {
        let axis = Axis([-3, 7])
        #expect([axis.low, axis.high, axis.step] == [-4, 8, 2])
        #expect(labels(axis) == ["-4", "-2", "0", "2", "4", "6", "8"])
        let fractions = Axis([-0.3, 0.7])
        #expect(labels(fractions) == ["-0.4", "-0.2", "0.0", "0.2", "0.4", "0.6", "0.8"])
        // A tick a rounding error off zero reads as zero, not "-0.0".
        #expect(fractions.label(-1e-17) == "0.0")
    }

    @Test func labelsHaveTheDecimalsTheStepNeeds() {
        #expect(labels(Axis([0, 3])) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"])
        // Steps of 2.5 × 10^k need one decimal more than the power says.
        #expect(labels(Axis([0.1, 0.35])) == ["0.10", "0.15", "0.20", "0.25", "0.30", "0.35"])
        #expect(labels(Axis([-7.5])) == ["-8.25", "-8.00", "-7.75", "-7.50", "-7.25", "-7.00", "-6.75"])
    }

    @Test func aSingleValueIsPaddedByATenthOfItself() {
        let axis = Axis([3])
        #expect(axis.low == 2.7 && abs(axis.high - 3.3) < 1e-15 && axis.step == 0.1)
        #expect(labels(axis) == ["2.7", "2.8", "2.9", "3.0", "3.1", "3.2", "3.3"])
        // Zero has no tenth: it is padded by one.
        #expect(labels(Axis([0, 0])) == ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
    }

    @Test func tinyAndHugeMagnitudesAreLabelledInThreeSignificantDigits() {
        let tiny = Axis([0, 5e-4])
        #expect(abs(tiny.step - 1e-4) < 1e-19)
        #expect(labels(tiny) == ["0", "0.0001", "0.0002", "0.0003", "0.0004", "0.0005"])
        #expect(labels(Axis([0, 3e6])) == ["0", "5e+05", "1e+06", "1.5e+06", "2e+06", "2.5e+06", "3e+06"])
        let huge = Axis([0, 4.5e200])
        #expect(abs(huge.step / 1e200 - 1) < 1e-15)
        #expect(labels(huge) == ["0", "1e+200", "2e+200", "3e+200", "4e+200", "5e+200"])
    }

    @Test func aNarrowRangeOfLargeOrTinyValuesGetsTheDigitsThatTellTicksApart() {
        // A total energy near -2.5e6 drifting by a few hundred, as a chart of it shows.
        #expect(
            labels(Axis([-2.5e6, -2.4995e6])) == [
                "-2.5e+06", "-2.4999e+06", "-2.4998e+06", "-2.4997e+06",
                "-2.4996e+06", "-2.4995e+06",
            ])
        #expect(
            labels(Axis([1e-4, 1.0005e-4])) == [
                "0.0001", "0.00010001", "0.00010002", "0.00010003",
                "0.00010004", "0.00010005",
            ])
    }

    @Test func valuesThatCannotBePlacedAreLeftOut() {
        #expect(Axis.places(1e300) && Axis.places(-1e300) && Axis.places(0))
        #expect(
            !Axis.places(Double(1e300).nextUp) && !Axis.places(.infinity) && !Axis.places(-.infinity)
                && !Axis.places(.nan))
        // The axis is the one of the values left.
        #expect(labels(Axis([.nan, 1, 2, .infinity])) == ["1.0", "1.2", "1.4", "1.6", "1.8", "2.0"])
        #expect(labels(Axis([-1e301, 5, 6])) == ["5.0", "5.2", "5.4", "5.6", "5.8", "6.0"])
        // With none left, the axis runs from 0 to 1.
        for nothing in [[], [Double.nan], [.infinity, -.infinity]] {
            let axis = Axis(nothing)
            #expect([axis.low, axis.high] == [0, 1], "\(nothing)")
            #expect(labels(axis) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], "\(nothing)")
        }
    }

    @Test func countsAreTickedOnWholeNumbers() {
        #expect(Axis([0, 3], whole: true).ticks == [0, 1, 2, 3])
        #expect(Axis([0, 0.4], whole: true).ticks == [0, 1], "no step below one")
        #expect(Axis([0, 50], whole: true).ticks == [0, 10, 20, 30, 40, 50], "steps above one stay nice")
    }

    @Test func equalisingWidensTheAxisWhoseUnitsAreLongerOnScreen() {
        var x = Axis([0, 10]), y = Axis([0, 1])
        Axis.equalise(&x, &y, plotWidth: 600, plotHeight: 300)
        // x needs 10/600 a pixel, y only 1/300: y widens about its middle to x's scale.
        #expect([x.low, x.high, x.step] == [0, 10, 2])
        #expect([y.low, y.high, y.step] == [-2, 3, 1])
        #expect((x.high - x.low) / 600 == (y.high - y.low) / 300)
        #expect(y.ticks == [-2, -1, 0, 1, 2, 3])
    }
}
