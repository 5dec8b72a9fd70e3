import Foundation

/// A line chart drawn as SVG by logbook itself: a plot area with gridlines
/// at 1-2-5 steps, tick labels, axis labels and a legend. Used whole by
/// `plot` and inline by `report`.
struct Chart {
    struct Series {
        var name: String
        var points: [SIMD2<Double>]
        /// Mark where the series starts (trajectories).
        var marksStart = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// One unit is as long on both axes (a trajectory's shape is kept).
    var equalScale = false
    /// The y axis starts at zero (rates, counts).
    var yFromZero = false
    /// The y values are counts: ticks fall on whole numbers.
    var countsOnY = false

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
        "#7f7f7f", "#bcbd22",
    ]
    /// Points kept per series; longer series are thinned evenly (the last point always kept).
    static let maximumPoints = 1500

    /// The chart as an SVG group of `width` × `height` at (`x`, `y`).
    func svg(x: Double, y: Double, width: Double, height: Double) -> String {
        let plot = (left: 78.0, top: 40.0, right: width - 20, bottom: height - 52)
        // Points an axis cannot place are left out, and counted for the note.
        let drawn = series.map { $0.points.filter { Axis.places($0.x) && Axis.places($0.y) } }
        let all = drawn.flatMap { $0 }
        let hidden = series.reduce(0) { $0 + $1.points.count } - all.count
        var xAxis = Axis(all.map(\.x)), yAxis = Axis(all.map(\.y) + (yFromZero ? [0] : []), whole: countsOnY)
        if equalScale {
            Axis.equalise(&xAxis, &yAxis, plotWidth: plot.right - plot.left, plotHeight: plot.bottom - plot.top)
        }
        let px = { (v: Double) in plot.left + (v - xAxis.low) / (xAxis.high - xAxis.low) * (plot.right - plot.left) }
        let py = { (v: Double) in plot.bottom - (v - yAxis.low) / (yAxis.high - yAxis.low) * (plot.bottom - plot.top) }

        var svg =
            ##"<g class="chart" role="img" transform="translate(\##(f(x)),\##(f(y)))"><title>\##(escape(title))</title>"##
        svg += ##"<rect width="\##(f(width))" height="\##(f(height))" fill="#ffffff"/>"##
        svg +=
            ##"<text x="\##(f(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\##(escape(title))</text>"##
        svg +=
            ##"<rect x="\##(f(plot.left))" y="\##(f(plot.top))" width="\##(f(plot.right - plot.left))" height="\##(f(plot.bottom - plot.top))" fill="#fbfbfb" stroke="#888888"/>"##
        for tick in xAxis.ticks {
            let at = f(px(tick))
            svg +=
                ##"<line x1="\##(at)" y1="\##(f(plot.top))" x2="\##(at)" y2="\##(f(plot.bottom))" stroke="#e2e2e2"/>"##
            svg +=
                ##"<text x="\##(at)" y="\##(f(plot.bottom + 16))" text-anchor="middle" font-size="11">\##(xAxis.label(tick))</text>"##
        }
        for tick in yAxis.ticks {
            let at = f(py(tick))
            svg +=
                ##"<line x1="\##(f(plot.left))" y1="\##(at)" x2="\##(f(plot.right))" y2="\##(at)" stroke="#e2e2e2"/>"##
            svg +=
                ##"<text x="\##(f(plot.left - 6))" y="\##(at)" dy="4" text-anchor="end" font-size="11">\##(yAxis.label(tick))</text>"##
        }
        svg +=
            ##"<text x="\##(f((plot.left + plot.right) / 2))" y="\##(f(height - 12))" text-anchor="middle" font-size="12">\##(escape(xLabel))</text>"##
        svg +=
            ##"<text transform="translate(16,\##(f((plot.top + plot.bottom) / 2))) rotate(-90)" text-anchor="middle" font-size="12">\##(escape(yLabel))</text>"##

        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let points = thinned(drawn[index])
            let ys = points.map(\.y)
            svg +=
                ##"<polyline data-series="\##(escape(line.name))" data-points="\##(points.count)" data-min="\##(ys.min().map(exact) ?? "")" data-max="\##(ys.max().map(exact) ?? "")" fill="none" stroke="\##(color)" stroke-width="1.5" points=""##
            svg += points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += #""/>"#
            if line.marksStart, let first = points.first {
                svg += ##"<circle cx="\##(f(px(first.x)))" cy="\##(f(py(first.y)))" r="3" fill="\##(color)"/>"##
            }
        }
        let shown = series.prefix(12)
        let legendHeight = Double(shown.count + (series.count > shown.count ? 1 : 0)) * 16 + 6
        if !shown.isEmpty {
            svg +=
                ##"<rect x="\##(f(plot.right - 156))" y="\##(f(plot.top + 2))" width="150" height="\##(f(legendHeight))" fill="#ffffff" fill-opacity="0.85" stroke="#dddddd"/>"##
        }
        for (index, line) in shown.enumerated() {
            let top = plot.top + 8 + Double(index) * 16
            svg +=
                ##"<rect x="\##(f(plot.right - 150))" y="\##(f(top))" width="12" height="3" fill="\##(Self.palette[index % Self.palette.count])"/>"##
            let name = line.name.count > 22 ? line.name.prefix(21) + "…" : line.name
            svg += ##"<text x="\##(f(plot.right - 134))" y="\##(f(top + 5))" font-size="11">\##(escape(name))</text>"##
        }
        if series.count > shown.count {
            svg +=
                ##"<text x="\##(f(plot.right - 150))" y="\##(f(plot.top + 13 + Double(shown.count) * 16))" font-size="11">… \##(series.count - shown.count) more</text>"##
        }
        if hidden > 0 {
            svg +=
                ##"<text class="not-drawn" x="\##(f(plot.left + 6))" y="\##(f(plot.bottom - 8))" font-size="11" fill="#b00000">\##(hidden) point\##(hidden == 1 ? "" : "s") not drawn: not finite or beyond ±\##(String(format: "%g", Axis.limit))</text>"##
        } else if all.isEmpty {
            svg +=
                ##"<text x="\##(f((plot.left + plot.right) / 2))" y="\##(f((plot.top + plot.bottom) / 2))" text-anchor="middle" font-size="13" fill="#888888">no data recorded</text>"##
        }
        return svg + "</g>"
    }

    /// Charts side by side in one standalone SVG document.
    static func document(_ charts: [Chart], width: Double = 640, height: Double = 440) -> String {
        let total = width * Double(charts.count)
        var svg =
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(f(total))" height="\##(f(height))" viewBox="0 0 \##(f(total)) \##(f(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"##
        for (index, chart) in charts.enumerated() {
            svg += chart.svg(x: Double(index) * width, y: 0, width: width, height: height)
        }
        return svg + "</svg>\n"
    }

    func thinned(_ points: [SIMD2<Double>]) -> [SIMD2<Double>] {
        guard points.count > Self.maximumPoints else { return points }
        // Every stride-th point before the last, then the last: at most the maximum in all.
        let stride = (points.count - 1 + Self.maximumPoints - 2) / (Self.maximumPoints - 1)
        return Swift.stride(from: 0, to: points.count - 1, by: stride).map { points[$0] } + [points[points.count - 1]]
    }
}

/// An axis from a nice low to a nice high, with ticks at 1, 2, 2.5 or 5 × 10^k.
///
/// Whatever the values, its ends, span and step are finite and its step is
/// above zero: it places only values within ±`limit` (a failed simulation
/// records positions near ±1e308, whose difference overflows), and it spans
/// at least `minimumSpan` and `minimumRelativeSpan` (equal or denormal values
/// would give a step that `pow` rounds to zero; values a few ulps apart,
/// ticks that round onto each other).
struct Axis {
    var low: Double
    var high: Double
    var step: Double

    /// The largest magnitude an axis places. Spans, steps rounded outward
    /// and the widening of `equalise` stay far below Double's 1.8e308.
    static let limit = 1e300
    /// The narrowest span: its sixth is still a normal Double, so log10 and
    /// pow keep their digits.
    static let minimumSpan = 1e-300
    /// The narrowest span relative to the values' magnitude: thousands of
    /// ulps, so ticks, their labels and their positions stay distinct.
    static let minimumRelativeSpan = 1e-12

    /// True when `value` can be drawn: finite and within ±`limit`.
    static func places(_ value: Double) -> Bool { value.isFinite && abs(value) <= limit }

    /// An axis over `values`, leaving out those it cannot place.
    init(_ values: [Double], whole: Bool = false) {
        let placed = values.filter(Axis.places)
        var low = placed.min() ?? 0, high = placed.max() ?? 1
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let minimumSpan = max(Axis.minimumSpan, max(abs(low), abs(high)) * Axis.minimumRelativeSpan)
        if high - low < minimumSpan {
            let middle = low / 2 + high / 2
            (low, high) = (middle - minimumSpan / 2, middle + minimumSpan / 2)
        }
        step = Axis.niceStep((high - low) / 6)
        if whole { step = max(step, 1).rounded(.up) }
        self.low = (low / step).rounded(.down) * step
        self.high = (high / step).rounded(.up) * step
    }

    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        return ([1, 2, 2.5, 5, 10].first { $0 * magnitude >= raw * 0.999_999 } ?? 10) * magnitude
    }

    var ticks: [Double] {
        Array(stride(from: (low / step).rounded(.up) * step, through: high + step * 1e-9, by: step).prefix(40))
    }

    /// Widens the axis whose units are longer on screen so both have the same scale.
    static func equalise(_ x: inout Axis, _ y: inout Axis, plotWidth: Double, plotHeight: Double) {
        let perPixel = max((x.high - x.low) / plotWidth, (y.high - y.low) / plotHeight)
        x.widen(to: perPixel * plotWidth)
        y.widen(to: perPixel * plotHeight)
    }

    private mutating func widen(to span: Double) {
        let middle = (low + high) / 2
        low = middle - span / 2
        high = middle + span / 2
        step = Axis.niceStep(span / 6)
    }

    /// The tick's value with as many decimals as the step needs; beyond a
    /// million or under a thousandth, in scientific notation with as many
    /// significant digits as tell neighbouring ticks apart (at least 3).
    func label(_ value: Double) -> String {
        let value = abs(value) < step * 1e-9 ? 0 : value
        let largest = max(abs(low), abs(high))
        // The decimals that bring the step's first digit before the point,
        // and one more for a step of 2.5 × 10^k.
        let shift = (-log10(step)).rounded(.up)
        let decimals = Int(shift) + (step * pow(10, shift) == 2.5 ? 1 : 0)
        if largest >= 1e6 || largest < 1e-3 {
            let digits = Int(log10(largest).rounded(.down)) + decimals + 1
            return String(format: "%.\(min(max(3, digits), 17))g", value)
        }
        return String(format: "%.\(min(max(0, decimals), 8))f", value)
    }
}

/// A coordinate with two decimals, enough for a screen.
func f(_ value: Double) -> String { String(format: "%.2f", value) }

/// A value that reads back exactly (for tests and tools reading the SVG).
func exact(_ value: Double) -> String { "\(value)" }

/// Text safe inside XML and HTML elements and attributes.
func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        case _ where character.value < 0x20 && character != "\n" && character != "\t": escaped += "\u{FFFD}"
        default: escaped.unicodeScalars.append(character)
        }
    }
    return escaped
}
