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

/// Prints rows in one of logbook's output formats, in memory that does not
/// grow with the rows: CSV and JSON stream row by row; a table holds its first
/// `alignedRows` rows to size its columns, prints them, then streams the rest
/// in those widths (saying so once on standard error).
final class ResultPrinter {
    /// How many rows a table holds to size its columns.
    static let alignedRows = 1000

    private let columns: [String]
    private let format: OutputFormat
    /// The table's first rows, until its widths are fixed.
    private var heldRows: [[String]] = []
    /// The table's column widths; fixed once `widthsFixed`.
    private var widths: [Int] = []
    private var widthsFixed = false
    private var rowCount = 0

    /// Rows go to `stream`: standard output, or an output file's.
    init(columns: [String], format: OutputFormat, to stream: StandardStream = .output) throws {
        self.columns = columns
        self.format = format
        output = BufferedOutput(stream)
        switch format {
        case .table: break
        case .csv: try write(columns.map(Self.csvField).joined(separator: ",") + "\r\n")
        case .json: try write("[")
        }
    }

    func row(_ values: [SQLValue]) throws {
        switch format {
        case .table:
            let cells = values.map(Self.tableCell)
            if widthsFixed {
                try write(tableLine(cells))
            } else if heldRows.count < Self.alignedRows {
                heldRows.append(cells)
            } else {
                try printHeldRows()
                printError(
                    "logbook: more than \(Self.alignedRows) rows: columns are sized to the first \(Self.alignedRows), later rows may not line up"
                )
                try write(tableLine(cells))
            }
        case .csv:
            try write(values.map { Self.csvField(Self.plainText($0)) }.joined(separator: ",") + "\r\n")
        case .json:
            let fields = zip(jsonKeys, values).map { "\($0.jsonQuoted): \($1.jsonText)" }
            try write((rowCount == 0 ? "\n  {" : ",\n  {") + fields.joined(separator: ", ") + "}")
        }
        rowCount += 1
    }

    func finish() throws {
        switch format {
        case .table:
            if !widthsFixed { try printHeldRows() }
            try write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n")
        case .csv: break
        case .json: try write(rowCount == 0 ? "]\n" : "\n]\n")
        }
        try output.flush()
    }

    // MARK: Output

    private let output: BufferedOutput

    private func write(_ text: String) throws {
        try output.write(text)
    }

    // MARK: Table

    /// Fixes the widths from the header and the rows held, and prints them.
    private func printHeldRows() throws {
        widths = columns.map(\.count)
        for row in heldRows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        widthsFixed = true
        try write(tableLine(columns, rightAligned: { _ in false }))
        try write(tableLine(widths.map { String(repeating: "-", count: $0) }, rightAligned: { _ in false }))
        for row in heldRows { try write(tableLine(row)) }
        heldRows = []
    }

    /// A row padded to the widths; numbers are right-aligned.
    private func tableLine(_ cells: [String]) -> String {
        tableLine(cells) { index in Double(cells[index]) != nil }
    }

    private func tableLine(_ cells: [String], rightAligned: (Int) -> Bool) -> String {
        cells.enumerated().map { index, cell in
            let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
            return rightAligned(index) ? padding + cell : cell + padding
        }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }

    private static func tableCell(_ value: SQLValue) -> String {
        switch value {
        case .null: return "NULL"
        case .blob(let bytes): return "<blob, \(bytes.count) bytes>"
        default:
            return plainText(value).replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(
                of: "\t", with: "\\t"
            )
            .replacingOccurrences(of: "\0", with: "\\0")
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
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
