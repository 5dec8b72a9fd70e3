import Foundation
import LogbookStore

// JSON written piece by piece, for output that streams (`query`'s rows, a
// crawl's findings) instead of being built as one object in memory.

extension String {
    /// The string as a JSON string literal (RFC 8259): quotes, backslashes
    /// and control characters escaped, everything else as it is.
    var jsonQuoted: String {
        // Most text (every URL) has nothing to escape: no need to look at
        // it scalar by scalar.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + self + "\""
        }
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension SQLValue {
    /// The value as JSON, SQLite's type kept: null, an integer, a real (null
    /// when not finite, which JSON cannot say), a string, or a blob as
    /// {"base64": "…"}.
    var jsonText: String {
        switch self {
        case .null: "null"
        case .integer(let v): String(v)
        case .real(let v): v.isFinite ? String(v) : "null"
        case .text(let v): v.jsonQuoted
        case .blob(let v): "{\"base64\": \"\(Data(v).base64EncodedString())\"}"
        }
    }
}
