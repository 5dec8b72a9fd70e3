import Foundation
import PackagePlugin

/// Embeds the package's `Migrations/*.sql` (SQLite) and
/// `Migrations/postgres/*.sql` into the target as Swift source, so a binary
/// copied alone to another folder can still create and migrate a database.
/// The folders themselves are inputs and the embedder lists them when it
/// runs, so a new file is picked up by the next build even where the build
/// system kept this plugin's earlier command.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Migrations")
        let folders = [folder, folder.appending(path: "postgres")].filter {
            FileManager.default.fileExists(atPath: $0.path())
        }
        let files = try folders.flatMap { folder in
            try FileManager.default
                .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations from Migrations/",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: [output.path(), folder.path()],
                inputFiles: folders + files,
                outputFiles: [output]
            )
        ]
    }
}
