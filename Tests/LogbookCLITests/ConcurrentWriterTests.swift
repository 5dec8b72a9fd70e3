import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// Several logbook processes writing one file: a run is claimed by one
/// process, and a new file is migrated once.
@Suite struct ConcurrentWriterTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    func frames(_ run: Int64 = 1) -> Int64 {
        (try? committedRows(in: path, table: "frames", where: "run_id = \(run)")) ?? 0
    }

    /// Waits, at most a minute, until `condition` holds.
    func wait(until condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(60)
        while !condition(), Date() < deadline { usleep(5_000) }
    }

    @Test func ofTwoResumesOfOneRunOneProceedsAndTheOtherNamesIt() throws {
        let endless = ["--particles", "300", "--steps", "100000000", "--record-every", "50", "--quiet"]
        let killed = try ChildProcess(builtProduct("logbook"), ["simulate", "--db", path] + endless)
        wait { frames() >= 3 }
        killed.signal(SIGKILL)
        #expect(killed.finish().signalled)

        let first = try ChildProcess(builtProduct("logbook"), ["resume", "--db", path, "--quiet"])
        let second = try ChildProcess(builtProduct("logbook"), ["resume", "--db", path, "--quiet"])
        func owner() -> Int32? {
            guard let run = try? Connection(path: path, mode: .readOnly).runs().first,
                run.status == .running, let pid = run.pid, [first.pid, second.pid].contains(pid)
            else { return nil }
            return pid
        }
        wait { owner() != nil }
        let winner = try #require(owner())
        let (running, refused) = winner == first.pid ? (first, second) : (second, first)
        let loser = refused.finish(timeout: .seconds(60))
        #expect(loser.status == 2, "\(loser.stderr)")
        let host = ProcessInfo.processInfo.hostName
        #expect(
            loser.stderr.contains("run 1 is being written by logbook process \(running.pid) on \(host)"),
            "\(loser.stderr)")

        let before = frames()
        wait { frames() > before + 3 }
        running.signal(SIGINT)
        let stopped = running.finish(timeout: .seconds(60))
        #expect(stopped.status == 130, "\(stopped.stderr)")
        let run = try #require(try Connection(path: path, mode: .readOnly).runs().first)
        #expect(run.status == .interrupted && run.pid == running.pid)
    }

    @Test func processesStartingRunsOnOneNewFileAllSucceed() throws {
        for attempt in 0..<8 {
            let database = folder.file("new-\(attempt).sqlite")
            let children = try (0..<4).map { _ in
                try ChildProcess(
                    builtProduct("logbook"),
                    ["simulate", "--db", database, "--particles", "5", "--steps", "3", "--quiet"])
            }
            for child in children {
                let result = child.finish(timeout: .seconds(120))
                #expect(result.status == 0, "attempt \(attempt): \(result.stderr)")
            }
            let connection = try Connection(path: database, mode: .readOnly)
            try connection.requireCurrentSchema()
            #expect(try connection.scalar("SELECT count(*) FROM runs WHERE status = 'completed'") == .integer(4))
        }
    }
}
