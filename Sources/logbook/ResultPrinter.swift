import ArgumentParser
import Foundation
import LogbookStore

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for people.
    case table
    /// RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break.
    case csv
    /// An array of objects; SQLite's types kept (null, integer, real, text);
    /// a blob becomes {"base64": "…"}.
    case json
}

/// Prints rows in one of logbook's output formats. CSV and JSON stream row
/// by row, so huge results use little memory; a table waits for every row
/// to size its columns.
final class ResultPrinter {
    private let columns: [String]
    private let format: OutputFormat
    private var tableRows: [[String]] = []
    private var rowCount = 0

    init(columns: [String], format: OutputFormat) {
        self.columns = columns
        self.format = format
        switch format {
        case .table: break
        case .csv: write(columns.map(Self.csvField).joined(separator: ",") + "\r\n")
        case .json: write("[")
        }
    }

    func row(_ values: [SQLValue]) {
        switch format {
        case .table:
            tableRows.append(values.map(Self.tableCell))
        case .csv:
            write(values.map { Self.csvField(Self.plainText($0)) }.joined(separator: ",") + "\r\n")
        case .json:
            let fields = zip(jsonKeys, values).map { "\(Self.jsonString($0)): \(Self.jsonValue($1))" }
            write((rowCount == 0 ? "\n  {" : ",\n  {") + fields.joined(separator: ", ") + "}")
        }
        rowCount += 1
    }

    func finish() {
        switch format {
        case .table: write(renderTable())
        case .csv: break
        case .json: write(rowCount == 0 ? "]\n" : "\n]\n")
        }
        FileHandle.standardOutput.write(Data(pending.utf8))
        pending = ""
    }

    // MARK: Output

    private var pending = ""

    private func write(_ text: String) {
        pending += text
        if pending.utf8.count >= 1 << 16 {
            FileHandle.standardOutput.write(Data(pending.utf8))
            pending = ""
        }
    }

    // MARK: Table

    private func renderTable() -> String {
        var widths = columns.map(\.count)
        for row in tableRows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], rightAligned: (Int) -> Bool) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned(index) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        var text = line(columns) { _ in false }
        text += line(widths.map { String(repeating: "-", count: $0) }) { _ in false }
        for row in tableRows {
            text += line(row) { index in Double(row[index]) != nil }
        }
        return text + "(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n"
    }

    private static func tableCell(_ value: SQLValue) -> String {
        switch value {
        case .null: return "NULL"
        case .blob(let bytes): return "<blob, \(bytes.count) bytes>"
        default:
            return plainText(value).replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
        }
    }

    // MARK: CSV

    /// NULL is an empty field; a blob is its base64.
    private static func plainText(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        case .blob(let v): return Data(v).base64EncodedString()
        }
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: JSON

    /// Column names as object keys; a repeated name gets `:2`, `:3`… so no key is lost.
    private lazy var jsonKeys: [String] = {
        var seen: [String: Int] = [:]
        return columns.map { name in
            seen[name, default: 0] += 1
            return seen[name]! == 1 ? name : "\(name):\(seen[name]!)"
        }
    }()

    private static func jsonValue(_ value: SQLValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .real(let v): return v.isFinite ? String(v) : "null"
        case .text(let v): return jsonString(v)
        case .blob(let v): return "{\"base64\": \"\(Data(v).base64EncodedString())\"}"
        }
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
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

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
