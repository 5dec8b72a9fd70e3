import Foundation
import PackagePlugin

/// Embeds the package's top-level `Migrations/*.sql` into the target as Swift
/// source, so a binary copied alone to another folder can still create and
/// migrate a database. The folder itself is an input and the embedder lists
/// it when it runs, so a new file is picked up by the next build even where
/// the build system kept this plugin's earlier command.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Migrations")
        let files = try FileManager.default
            .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations from Migrations/",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: [output.path(), folder.path()],
                inputFiles: [folder] + files,
                outputFiles: [output]
            )
        ]
    }
}
