import ArgumentParser
import LogbookStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database, or apply pending migrations, and print its schema version.")

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let recorder = try Recorder(path: database.path)
        try recorder.close()
        try StandardStream.output.write("\(database.path): schema version \(recorder.schemaVersion)\n")
    }
}
