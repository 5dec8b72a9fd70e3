import ArgumentParser
import LogbookCompare
import LogbookStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML file about a run.",
        discussion: """
            A crawl's report has its summary, dead links grouped by referring page, status codes, \
            fetch times, charts over time and a sortable table of URLs; a simulation's has its \
            settings, energy and momentum drift, trajectories and frames. --diff OTHER adds the \
            comparison of OTHER (the baseline) with RUN. Tables show at most 5,000 rows and say \
            how many they left out.
            """)

    @OptionGroup var document: DocumentOptions
    @Option(help: ArgumentHelp("Compare with this baseline run: ID or PATH:ID.", valueName: "other"))
    var diff: RunReference?
    @OptionGroup var tolerance: ToleranceOptions

    func run() throws {
        let reader = try document.open()
        let baseline = try diff.map { try $0.open(default: document.database.path) }
        try document.write(try Report.html(reader, baseline: baseline, tolerance: try tolerance.value), baseline: diff)
    }
}
