import ArgumentParser
import Foundation

/// A command's flags and options as ArgumentParser itself describes them
/// (the JSON of `--experimental-dump-help`), so that what reads flags from
/// elsewhere (`ConfigFile`) knows every flag a command has, with no list of
/// them to keep beside the declarations.
struct CommandFlags {
    /// One flag or option, by its long names (`--max-depth`).
    struct Flag {
        let names: [String]
        /// An option (`--max-depth 3`), not a flag (`--no-external`).
        let takesValue: Bool
        /// An array option, given once for each value (`--exclude a --exclude b`).
        let isRepeating: Bool
    }

    let flags: [Flag]

    init(of command: any ParsableCommand.Type) throws {
        let dump = try JSONDecoder().decode(Dump.self, from: Data(command._dumpHelp().utf8))
        flags = (dump.command.arguments ?? []).compactMap { argument in
            let names = (argument.names ?? []).filter { $0.kind == "long" }.map(\.name)
            guard argument.kind != "positional", !names.isEmpty else { return nil }
            return Flag(names: names, takesValue: argument.kind == "option", isRepeating: argument.isRepeating)
        }
    }

    func flag(named name: String) -> Flag? { flags.first { $0.names.contains(name) } }

    var names: Set<String> { Set(flags.flatMap(\.names)) }
}

/// What `CommandFlags` reads of ArgumentParser's `ToolInfoV0`.
private struct Dump: Decodable {
    struct Command: Decodable { let arguments: [Argument]? }
    struct Argument: Decodable {
        let kind: String
        let names: [Name]?
        let isRepeating: Bool
    }
    struct Name: Decodable {
        let kind: String
        let name: String
    }

    let command: Command
}
