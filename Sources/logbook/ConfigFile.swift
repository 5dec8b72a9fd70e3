import ArgumentParser
import Foundation
import Synchronization
import TOMLKit

/// `--config FILE`. The file is read before the command line is parsed
/// (`Logbook.parseAsRoot(withConfigFile:)`); a command declares the option
/// so that it reads one at all, its help lists it and the parser takes it.
struct ConfigFileOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Flags from this TOML file (default: logbook.toml in the current folder, when there is one).",
            valueName: "file"))
    var config: String?
}

/// A configuration file: a command's flags kept in a repository, its keys
/// the long flags (`max-depth = 3`, `exclude = ["/old/", "/drafts/"]`,
/// `no-external = true`, `accept = "200..299,403"`).
///
/// The file becomes command-line arguments, and ArgumentParser parses them
/// with the command line's own: validation, help and defaults stay in one
/// place, and a flag added to a command is a key of the file with nothing
/// to list (`CommandFlags`).
struct ConfigFile {
    /// Read from the current folder when there is one and no `--config`.
    static let defaultName = "logbook.toml"
    /// Keys that are not the command's settings.
    static let reserved: Set = ["config", "help", "version"]

    /// A value of the file: a string, number, boolean, array or table.
    private typealias Value = any TOMLValueConvertible

    let path: String
    private let text: String
    private let table: TOMLTable

    /// The file `--config` names in `arguments` (an error when it is
    /// missing), else `logbook.toml` when the current folder has one.
    static func named(in arguments: ArraySlice<String>) throws -> ConfigFile? {
        if let path = value(of: "config", in: arguments) {
            guard FileManager.default.fileExists(atPath: path) else {
                throw UsageError("\(path): no such file (given as --config)")
            }
            return try ConfigFile(path: path)
        }
        return FileManager.default.fileExists(atPath: defaultName) ? try ConfigFile(path: defaultName) : nil
    }

    init(path: String) throws {
        self.path = path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw UsageError("\(path) is a folder, not a TOML file")
        }
        // Through a file handle, which also reads a device: `--config /dev/null` reads nothing.
        let data: Data
        do {
            data = try FileHandle(forReadingFrom: URL(filePath: path)).readToEnd() ?? Data()
        } catch {
            throw UsageError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError("cannot read \(path) as UTF-8 text")
        }
        self.text = text
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw UsageError("\(path):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        }
        // TOMLKit hands a string over as a C string, which a NUL would cut short unseen.
        if let line = lines.firstIndex(where: \.escapesNUL) {
            throw UsageError("\(path):\(line + 1): a string holding NUL (\\u0000) cannot be a value")
        }
    }

    /// The file's lines: TOML's line ends are LF and CRLF, and a String
    /// holds CRLF as one Character.
    private var lines: [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    /// The arguments that say what the file says to a command with
    /// `flags`, one list for each key (in key order: TOMLKit's); keys in
    /// `known` are taken or left to the other commands, and any other key
    /// is an error. A flag `commandLine` gives is left out (an array too:
    /// the command line's replaces the file's).
    func arguments(
        for flags: CommandFlags, known: Set<String>, commandLine: ArraySlice<String>
    ) throws -> [(key: String, arguments: [String])] {
        let given = Set(
            commandLine.prefix { $0 != "--" }.compactMap { argument in
                argument.hasPrefix("--") ? argument.dropFirst(2).split(separator: "=", maxSplits: 1).first : nil
            }.map(String.init))
        return try table.keys.compactMap { key in
            guard !Self.reserved.contains(key) else {
                throw error(key, "not a setting: give --\(key) on the command line")
            }
            guard known.contains(key) else {
                throw error(key, "unknown key: no command that reads \(path) has --\(key)")
            }
            guard let flag = flags.flag(named: key), given.isDisjoint(with: flag.names), let value = table[key] else {
                return nil
            }
            return (key, try arguments(key, value, of: flag))
        }
    }

    /// `--key` for a flag set to true, `--key=value` for an option (so a
    /// value starting with "-" is a value), once for each value of an array.
    private func arguments(_ key: String, _ value: Value, of flag: CommandFlags.Flag) throws -> [String] {
        guard flag.takesValue else {
            guard value.type == .bool, let on = value.bool else {
                throw error(key, "expects true or false, not a TOML \(value.type)")
            }
            return on ? ["--\(key)"] : []
        }
        guard let array = value.array else { return ["--\(key)=\(try text(of: value, key))"] }
        guard flag.isRepeating else { throw error(key, "expects one value, not a TOML array") }
        return try array.map { "--\(key)=\(try text(of: $0, key))" }
    }

    private func text(of value: Value, _ key: String) throws -> String {
        switch value.type {
        case .string: value.string ?? ""
        case .int: value.int.map(String.init) ?? ""
        case .double: value.double.map { String($0) } ?? ""
        case .bool: value.bool.map(String.init) ?? ""
        default: throw error(key, "expects a string, a number or a boolean, not a TOML \(value.type)")
        }
    }

    /// "logbook.toml:3: max-depth: why": the file, the key's line (TOMLKit
    /// keeps no positions after parsing: its first `key =` or `[key]`).
    func error(_ key: String, _ why: String) -> UsageError {
        UsageError("\(location(of: key)): \(key): \(why)")
    }

    /// "logbook.toml:3": the file and the line of `key`.
    fileprivate func location(of key: String) -> String {
        let line = lines.firstIndex { line in
            var rest = line.drop { $0 == " " || $0 == "\t" }
            if rest.first == "[" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
            guard let name = [key, "\"\(key)\"", "'\(key)'"].first(where: { rest.hasPrefix($0) }) else { return false }
            return rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }.first.map { "=.]".contains($0) } == true
        }
        return path + (line.map { ":\($0 + 1)" } ?? "")
    }

    /// Where each key the running command took from a file is ("logbook.toml:1").
    fileprivate static let taken = Mutex<[String: String]>([:])

    /// Bad usage of `key`'s value found as the command runs (a diff's
    /// crawl-only format, once the runs turn out to be simulations): named
    /// by the file and line when the file gave it, as the parser's refusals are.
    static func usageError(_ key: String, _ why: String) -> UsageError {
        taken.withLock { $0[key] }.map { UsageError("\($0): \(key): \(why)") } ?? UsageError(why)
    }

    /// The value of `--name VALUE` or `--name=VALUE` in `arguments`, before any "--".
    private static func value(of name: String, in arguments: ArraySlice<String>) -> String? {
        let arguments = arguments.prefix { $0 != "--" }
        for (index, argument) in zip(arguments.indices, arguments) {
            if argument == "--\(name)", index + 1 < arguments.endIndex { return arguments[index + 1] }
            if argument.hasPrefix("--\(name)=") { return String(argument.dropFirst(name.count + 3)) }
        }
        return nil
    }
}

extension Logbook {
    /// Parses `arguments` (the command's name first) with the flags of the
    /// configuration file its command reads put before the command line's
    /// own. Keys are the long flags of every command that declares
    /// `--config`; each takes those it has. A value the parser refuses is
    /// bad usage naming the file, the line and the key: the key without
    /// which the arguments parse.
    static func parseAsRoot(withConfigFile arguments: [String]) throws -> any ParsableCommand {
        let commandLine = arguments.dropFirst()
        guard let name = arguments.first,
            let command = configuration.subcommands.first(where: { $0.configuration.commandName == name }),
            case let flags = try CommandFlags(of: command), flags.flag(named: "config") != nil,
            !commandLine.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }),
            let file = try ConfigFile.named(in: commandLine)
        else { return try parseAsRoot(arguments) }

        let readers = try configuration.subcommands.map(CommandFlags.init(of:)).filter {
            $0.flag(named: "config") != nil
        }
        let known = readers.reduce(into: Set<String>()) { $0.formUnion($1.names) }
        let fromFile = try file.arguments(for: flags, known: known, commandLine: commandLine)
        func parse(_ keys: some Sequence<(key: String, arguments: [String])>) throws -> any ParsableCommand {
            try parseAsRoot([name] + keys.flatMap(\.arguments) + commandLine)
        }
        do {
            let command = try parse(fromFile)
            ConfigFile.taken.withLock { taken in
                for entry in fromFile { taken[entry.key] = file.location(of: entry.key) }
            }
            return command
        } catch {
            for (index, entry) in fromFile.enumerated()
            where (try? parse(fromFile.enumerated().filter { $0.offset != index }.map(\.element))) != nil {
                throw file.error(entry.key, message(for: error))
            }
            throw error
        }
    }
}

extension Substring {
    /// Whether the line holds TOML's escape for NUL, `\u0000` or `\U00000000`
    /// (not a backslash escaped, then "u0000").
    fileprivate var escapesNUL: Bool {
        var rest = self
        while let backslash = rest.firstIndex(of: "\\") {
            rest = rest[rest.index(after: backslash)...]
            if rest.hasPrefix("u0000") || rest.hasPrefix("U00000000") { return true }
            rest = rest.dropFirst()
        }
        return false
    }
}
