import Foundation

/// A number in at most 6 significant digits, as people read them.
func readable(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e-3 && magnitude < 1e6 {
        var text = String(format: "%.6g", value)
        if text.contains("e") { text = String(format: "%.6f", value) }
        return text
    }
    return String(format: "%.4e", value)
}

/// A value that may be missing (a drift of a run with no finite energy).
func readable(_ value: Double?) -> String {
    value.map { readable($0) } ?? "n/a"
}

extension String {
    /// Left-aligned in `width` columns.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
