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

func percent(_ value: Double?) -> String {
    guard let value else { return "n/a" }
    return readable(value * 100) + "%"
}

extension String {
    /// Left-aligned in `width` columns.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
