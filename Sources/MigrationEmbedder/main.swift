import Foundation

// Usage: MigrationEmbedder OUTPUT.swift MIGRATIONS-FOLDER
//
// Writes `Migration.embedded` (the folder's files, for SQLite) and
// `Migration.embeddedPostgres` (its postgres/ folder's), one entry per file,
// with its SHA-256 so a database can tell whether the migration it recorded
// is the one shipped.

struct EmbedError: Error, CustomStringConvertible {
    let description: String
}

/// A Swift string literal holding `text` exactly.
func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += "\\u{\(String(scalar.value, radix: 16))}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// The `Migration(…)` entries for `folder`'s files, in version order.
func entries(in folder: String) throws -> [String] {
    guard FileManager.default.fileExists(atPath: folder) else { return [] }
    let paths = try FileManager.default.contentsOfDirectory(atPath: folder)
        .filter { $0.hasSuffix(".sql") }.sorted().map { folder + "/" + $0 }
    var entries: [String] = []
    var versions: Set<Int> = []
    for path in paths {
        let file = URL(filePath: path).lastPathComponent
        let stem = file.dropLast(".sql".count)
        guard let underscore = stem.firstIndex(of: "_"),
            let version = Int(stem[..<underscore]), version > 0,
            stem[..<underscore].count == 4
        else {
            throw EmbedError(description: "\(path): migration files are named NNNN_name.sql (four digits, from 0001)")
        }
        guard versions.insert(version).inserted else {
            throw EmbedError(description: "\(path): version \(version) is used by two migration files")
        }
        let data = try Data(contentsOf: URL(filePath: path))
        guard let sql = String(data: data, encoding: .utf8) else {
            throw EmbedError(description: "\(path): not UTF-8")
        }
        let name = stem[stem.index(after: underscore)...]
        entries.append(
            "        Migration(version: \(version), name: \(literal(String(name))), "
                + "checksum: \"\(SHA256.hex(of: [UInt8](data)))\", sql: \(literal(sql))),"
        )
    }
    let sorted = versions.sorted()
    if let gap = sorted.enumerated().first(where: { $0.offset + 1 != $0.element }) {
        throw EmbedError(
            description:
                "\(folder): versions must run 1, 2, 3… without gaps; \(gap.element) comes after \(gap.offset)")
    }
    return entries
}

func embed(arguments: [String]) throws {
    guard arguments.count == 2 else { throw EmbedError(description: "usage: MigrationEmbedder OUTPUT FOLDER") }
    let (output, folder) = (arguments[0], arguments[1])
    let source = """
        // Generated at build time from Migrations/ by MigrationEmbedder. Do not edit.

        extension Migration {
            /// The migrations shipped in this binary, in version order.
            static let embedded: [Migration] = [
        \(try entries(in: folder).joined(separator: "\n"))
            ]

            /// The PostgreSQL migrations shipped in this binary, in version order.
            static let embeddedPostgres: [Migration] = [
        \(try entries(in: folder + "/postgres").joined(separator: "\n"))
            ]
        }

        """
    try source.write(toFile: output, atomically: true, encoding: .utf8)
}

do {
    try embed(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
