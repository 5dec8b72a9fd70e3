import Foundation
public import SimulationSchema

extension Particles {
    /// The columns an input CSV must have, in any order.
    public static let csvColumns = ["mass", "x", "y", "z", "vx", "vy", "vz"]

    /// Reads particles from a CSV file with a header naming at least
    /// `mass,x,y,z,vx,vy,vz`, each column once (RFC 4180 quoting allowed,
    /// names compared without case and surrounding spaces). Extra columns are
    /// kept as the particle's label: the value itself when there is one
    /// extra column, `name=value; …` when there are several.
    public static func csv(contentsOf path: String) throws -> Particles {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulationError(.input, "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SimulationError(.input, "\(path): not UTF-8 text")
        }
        return try csv(text, source: path)
    }

    static func csv(_ text: String, source: String) throws -> Particles {
        var rows = CSVRows(text)
        guard let (headerLine, header) = try rows.next(source: source) else {
            throw SimulationError(
                .input, "\(source): empty file; expected a header \(csvColumns.joined(separator: ","))")
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() {
            // Which of two `x` columns is meant cannot be guessed.
            if let first = index[name] {
                throw SimulationError(
                    .input,
                    """
                    \(source) line \(headerLine): column \(name.isEmpty ? "with no name" : "\"\(header[position])\"") appears twice \
                    (columns \(first + 1) and \(position + 1)); name each column once
                    """)
            }
            index[name] = position
        }
        let missing = csvColumns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw SimulationError(
                .input,
                """
                \(source) line \(headerLine): missing column\(missing.count > 1 ? "s" : "") \
                \(missing.joined(separator: ", ")); the header must name \(csvColumns.joined(separator: ","))
                """)
        }
        let extra = names.indices.filter { !csvColumns.contains(names[$0]) }
        var columns: [[Double]] = Array(repeating: [], count: csvColumns.count)
        var labels: [String?] = []
        while let (line, fields) = try rows.next(source: source) {
            if fields == [""] { continue }  // a blank line
            guard fields.count == header.count else {
                throw SimulationError(
                    .input, "\(source) line \(line): \(fields.count) fields, but the header has \(header.count)")
            }
            for (column, name) in csvColumns.enumerated() {
                let field = fields[index[name]!].trimmingCharacters(in: .whitespaces)
                guard let value = Double(field) else {
                    throw SimulationError(
                        .input, "\(source) line \(line), column \(name): \"\(field)\" is not a number")
                }
                guard value.isFinite else {
                    throw SimulationError(.input, "\(source) line \(line), column \(name): \(field) is not finite")
                }
                if name == "mass", value <= 0 {
                    throw SimulationError(.input, "\(source) line \(line), column mass: \(field) is not positive")
                }
                columns[column].append(value)
            }
            labels.append(
                extra.isEmpty
                    ? nil
                    : extra.count == 1
                        ? fields[extra[0]]
                        : extra.map { "\(header[$0])=\(fields[$0])" }.joined(separator: "; "))
        }
        guard !labels.isEmpty else { throw SimulationError(.input, "\(source): a header but no particles") }
        return Particles(
            mass: columns[0], x: columns[1], y: columns[2], z: columns[3],
            vx: columns[4], vy: columns[5], vz: columns[6], labels: labels)
    }
}

/// RFC 4180 records with their starting line numbers.
private struct CSVRows {
    private var characters: [Character]
    private var position = 0
    private var line = 1

    init(_ text: String) { characters = Array(text) }

    mutating func next(source: String) throws -> (line: Int, fields: [String])? {
        guard position < characters.count else { return nil }
        let start = line
        var fields: [String] = []
        var field = ""
        var quoted = false
        while position < characters.count {
            let character = characters[position]
            position += 1
            if quoted {
                if character == "\"" {
                    if position < characters.count, characters[position] == "\"" {
                        field.append("\"")
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else if character.isNewline {
                line += 1
                return (start, fields + [field])
            } else {
                field.append(character)
            }
        }
        if quoted { throw SimulationError(.input, "\(source) line \(start): a quoted field is never closed") }
        return (start, fields + [field])
    }
}
