import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// What `resume` refuses: a run another live process is writing, whatever
/// binary that process runs, and a simulation whose last frame is not
/// finite, which it must not turn into a completed one.
@Suite struct ResumeGuardTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    func frames() -> Int64 { (try? committedRows(in: path, table: "frames", where: "run_id = 1")) ?? 0 }

    @Test func aRunWrittenByACopyOfLogbookOrOneDeletedSinceCannotBeResumed() throws {
        let copy = folder.file("lb2")
        try FileManager.default.copyItem(atPath: builtProduct("logbook"), toPath: copy)
        let endless = ["--particles", "200", "--steps", "10000000", "--record-every", "100", "--quiet"]
        let child = try ChildProcess(copy, ["simulate", "--db", path] + endless)
        #expect(waitUntil { frames() >= 1 || !child.isRunning }, "a frame committed within a minute")
        let refused = try logbook("resume", "--db", path)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("run 1 is being written by logbook process \(child.pid)"), "\(refused.stderr)")
        // Replaced on disk while it runs: /proc/<pid>/exe now ends in "(deleted)".
        try FileManager.default.removeItem(atPath: copy)
        let stillRefused = try logbook("resume", "--db", path)
        #expect(stillRefused.status == 2, "\(stillRefused.stderr)")
        #expect(try logbook("runs", "--db", path, "--format", "csv").stdout.contains("1,simulation,running,"))

        child.signal(SIGKILL)
        #expect(child.finish().signalled)
        let committed = frames()
        let resumed = try ChildProcess(builtProduct("logbook"), ["resume", "--db", path, "--quiet"])
        #expect(waitUntil { frames() > committed || !resumed.isRunning }, "the resumed run committed a frame")
        resumed.signal(SIGINT)
        let stopped = resumed.finish(timeout: .seconds(60))
        #expect(stopped.status == 130, "\(stopped.stderr)")
    }

    @Test func aSimulationThatFailedOnANonFiniteFrameFailsAgainOnResume() throws {
        let failed = try logbook(
            "simulate", "--db", path, "--particles", "10", "--G", "1e308", "--steps", "5", "--quiet")
        #expect(failed.status == 3, "\(failed.stderr)")
        let recorded = try Connection(path: path, mode: .readOnly).scalar(
            "SELECT max(step) || ',' || count(*) FROM frames")
        guard case .text(let frames) = recorded, let step = frames.split(separator: ",").first else {
            Issue.record("no frame recorded: \(String(describing: recorded))")
            return
        }
        let resumed = try logbook("resume", "1", "--db", path, "--quiet")
        #expect(resumed.status == 3, "\(resumed.stdout)\(resumed.stderr)")
        #expect(
            resumed.stderr.contains("step \(step): the ") && resumed.stderr.contains("not finite"), "\(resumed.stderr)")
        #expect(!resumed.stdout.contains("completed"), "\(resumed.stdout)")
        let database = try Connection(path: path, mode: .readOnly)
        #expect(try database.runs().first?.status == .failed)
        #expect(
            try database.scalar("SELECT max(step) || ',' || count(*) FROM frames") == .text(frames), "nothing recorded")
    }
}
