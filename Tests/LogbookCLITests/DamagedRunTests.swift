import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// Runs whose rows were changed by hand (or by another program): the
/// commands say what is wrong with which run, and a damaged run does not
/// stop commands about the others.
@Suite struct DamagedRunTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// Runs `sql` on the database with python's sqlite3, CHECK constraints off.
    func damage(_ sql: String) throws {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA ignore_check_constraints = 1")
            db.executescript(sys.argv[2]); db.commit(); db.close()
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script, path, sql])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aRunsUnreadableRowStopsOnlyWhatReadsIt() throws {
        for seed in ["1", "2", "2"] {
            let made = try logbook(
                "simulate", "--db", path, "--particles", "4", "--steps", "4", "--seed", seed, "--quiet")
            #expect(made.status == 0, "\(made.stderr)")
        }
        try damage("UPDATE runs SET status = 'paused' WHERE id = 1")
        let diff = try logbook("diff", "--db", path, "2", "3")
        #expect(diff.status == 0, "run 1 is not this diff's business: \(diff.stderr)")
        let runs = try logbook("runs", "--db", path)
        #expect(runs.status == 3)
        #expect(runs.stderr.contains("run 1: column status holds \"paused\""), "\(runs.stderr)")
    }

    /// A crawl whose settings record no start URL cannot be resumed; it is
    /// left interrupted, and the message names the file, the run and why.
    @Test func aCrawlWithoutItsSettingsIsNotResumed() throws {
        let made = try logbook("init", "--db", path)
        #expect(made.status == 0, "\(made.stderr)")
        try damage(
            """
            INSERT INTO runs (id, kind, status, config, logbook_version) VALUES (7, 'crawl', 'interrupted', '{"workers": 2}', 'test');
            """)
        let resumed = try logbook("resume", "--db", path, "7")
        #expect(resumed.status == 3)
        #expect(
            resumed.stderr.contains("\(path): run 7's settings are not a CrawlConfig: it records no start URL"),
            "\(resumed.stderr)")
        let status = try logbook("query", "--db", path, "--format", "csv", "SELECT status FROM runs WHERE id = 7")
        #expect(status.stdout.contains("interrupted"), "\(status.stdout)")
    }

    /// A simulation whose settings hold a wrong type says which key.
    @Test func aSimulationWithAWrongSettingSaysWhich() throws {
        let made = try logbook("simulate", "--db", path, "--particles", "4", "--steps", "4", "--quiet")
        #expect(made.status == 0, "\(made.stderr)")
        try damage("UPDATE runs SET status = 'interrupted', config = json_set(config, '$.steps', 'many') WHERE id = 1")
        let resumed = try logbook("resume", "--db", path, "1")
        #expect(resumed.status == 3)
        #expect(
            resumed.stderr.contains("run 1's settings are not a SimulationConfig: expected Int at steps"),
            "\(resumed.stderr)")
    }
}
