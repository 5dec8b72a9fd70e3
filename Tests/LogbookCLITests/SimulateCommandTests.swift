import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct SimulateCommandTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// Long enough (about a second) to be killed part-way; recording every
    /// 7th step puts resume points on odd steps as well as even ones.
    let longRun = ["--particles", "1000", "--seed", "9", "--steps", "2000", "--record-every", "7", "--workers", "2"]

    /// Frames recorded so far for `run` (0 while the file is not there yet).
    func frames(_ database: String, run: Int64 = 1) -> Int64 {
        (try? committedRows(in: database, table: "frames", where: "run_id = \(run)")) ?? 0
    }

    /// Waits until `count` frames are committed, or `child` (if given) has ended.
    func waitForFrames(_ database: String, atLeast count: Int64, unlessEnded child: ChildProcess? = nil) {
        let progressed = waitUntil { frames(database) >= count || child?.isRunning == false }
        #expect(progressed, "\(count) frames committed within a minute")
    }

    @Test func simulateRecordsFramesAndPrintsASummary() throws {
        let result = try logbook("simulate", "--db", path, "--particles", "50", "--steps", "25", "--record-every", "10")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("run 1: simulation completed"))
        #expect(result.stdout.contains("interactions/s"))
        #expect(result.stdout.contains("energy drift"))
        let steps = try logbook("query", "--db", path, "--format", "csv", "SELECT step FROM frames ORDER BY step")
        #expect(steps.stdout == "step\r\n0\r\n10\r\n20\r\n25\r\n")
        let runs = try logbook("runs", "--db", path, "--format", "csv")
        #expect(runs.stdout.contains(",simulation,completed,"))
        #expect(runs.stdout.contains("50 particles, 25 steps"))
    }

    @Test func aTerminalShowsALiveProgressLine() throws {
        // `script` gives the command a pseudo-terminal, as a person's shell would.
        let command = "\(builtProduct("logbook")) simulate --db \(path) --particles 1500 --steps 600 --workers 2"
        let result = try runProcess("/usr/bin/script", ["-qefc", command, "/dev/null"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\r\u{1B}[Kstep "), "a redrawn line on the terminal")
        #expect(result.stdout.contains("interactions/s") && result.stdout.contains("energy drift"))
        let quiet = try logbook("simulate", "--db", path, "--particles", "50", "--steps", "5")
        #expect(!quiet.stderr.contains("step "), "no progress when stderr is not a terminal and the run is short")
    }

    @Test(arguments: ["threads", "processes"])
    func aRunKilledAtRandomMomentsAndResumedEqualsAnUninterruptedOne(mode: String) throws {
        let reference = folder.file("reference.sqlite")
        #expect(try runProcess(builtProduct("logbook"), ["simulate", "--db", reference] + longRun).status == 0)

        var generator = SystemRandomNumberGenerator()
        var child = try ChildProcess(
            builtProduct("logbook"), ["simulate", "--db", path, "--quiet", "--mode", mode] + longRun)
        var kills = 0
        for _ in 0..<5 {
            // Killed once 3 to 12 more frames are committed: the moment
            // varies with what the run did, not with a sleep.
            waitForFrames(path, atLeast: frames(path) + Int64.random(in: 3...12, using: &generator), unlessEnded: child)
            child.signal(SIGKILL)
            let killed = child.finish()
            guard killed.signalled else { break }  // it finished first
            kills += 1
            let database = try Connection(path: path, mode: .readOnly)
            #expect(try database.scalar("PRAGMA integrity_check") == .text("ok"))
            child = try ChildProcess(builtProduct("logbook"), ["resume", "--db", path, "--quiet"])
        }
        let last = child.finish()
        #expect(last.status == 0, "\(last.stderr)")
        #expect(kills >= 3, "the run finished before it could be killed three times")
        #expect(try RecordedStates(run: 1, in: path).difference(from: RecordedStates(run: 1, in: reference)) == nil)
        let status = try Connection(path: path, mode: .readOnly).runs().first?.status
        #expect(status == .completed)
    }

    @Test func aRunAnotherLiveProcessIsWritingCannotBeResumed() throws {
        let endless = ["--particles", "500", "--steps", "10000000", "--record-every", "100"]
        let child = try ChildProcess(builtProduct("logbook"), ["simulate", "--db", path, "--quiet"] + endless)
        waitForFrames(path, atLeast: 5)
        let refused = try logbook("resume", "--db", path)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("run 1 is being written by logbook process \(child.pid)"), "\(refused.stderr)")
        child.signal(SIGKILL)
        #expect(child.finish().signalled)
        // Once that process is gone, the run can be resumed.
        let frames = frames(path)
        let resumed = try ChildProcess(builtProduct("logbook"), ["resume", "--db", path, "--quiet"])
        waitForFrames(path, atLeast: frames + 5)
        resumed.signal(SIGINT)
        let stopped = resumed.finish(timeout: .seconds(60))
        #expect(stopped.status == 130, "\(stopped.stderr)")
    }

    @Test func ctrlCStopsRecordsTheStepAndResumeFinishesIdentically() throws {
        let reference = folder.file("reference.sqlite")
        #expect(try runProcess(builtProduct("logbook"), ["simulate", "--db", reference] + longRun).status == 0)

        // The writer runs at nice 19 and may commit the 20th frame only after
        // the workers finished every step (a loaded machine): then the stop
        // comes too late, and the run is started again, up to three times.
        var result: ProcessResult?
        for _ in 0..<3 where result?.status ?? 0 == 0 {
            for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
            let child = try ChildProcess(builtProduct("logbook"), ["simulate", "--db", path] + longRun)
            waitForFrames(path, atLeast: 20)
            child.signal(SIGINT)
            result = child.finish()
        }
        let stopped = try #require(result)
        #expect(stopped.status == 130, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("logbook resume 1"))
        #expect(try Connection(path: path, mode: .readOnly).runs().first?.status == .interrupted)

        let resumed = try logbook("resume", "--db", path)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try logbook("resume", "--db", path).status == 2, "nothing left to resume")
        // Every state the reference recorded is recorded, bit for bit; the
        // interrupted run has one extra checkpoint frame where it stopped.
        let expected = try RecordedStates(run: 1, in: reference)
        let steps = Set(expected.steps)
        let actual = try RecordedStates(run: 1, in: path).rows.filter { steps.contains($0.step) }
        #expect(expected.difference(from: actual) == nil)
    }

    @Test(arguments: [
        ("mass,x,y,z,vx,vy\n1,0,0,0,0,0\n", "line 1: missing column vz"),
        ("mass,x,y,z,vx,vy,vz\n1,0,0,0,0,0,0\n1,2,abc,0,0,0,0\n", "line 3, column y: \"abc\" is not a number"),
        ("mass,x,y,z,vx,vy,vz\n1,0,0,0,0,0,inf\n", "line 2, column vz: inf is not finite"),
        ("mass,x,y,z,vx,vy,vz\n0,0,0,0,0,0,0\n", "line 2, column mass: 0 is not positive"),
        ("mass,x,y,z,vx,vy,vz\n1,0,0,0,0,0\n", "line 2: 6 fields, but the header has 7"),
    ])
    func badInputFilesNameLineAndColumn(csv: String, message: String) throws {
        let input = folder.file("bodies.csv")
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        let result = try logbook("simulate", "--db", path, "--input", input)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(input) \(message)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing recorded for a bad input")
    }

    @Test(arguments: [
        (["--dt", "0"], "'--dt <dt>': must be a finite number greater than 0"),
        (["--workers", "0"], "'--workers <workers>': must be a whole number from 1 to 1024"),
        (["--particles", "3", "--workers", "4"], "--workers 4 is more than the 3 particles"),
        (["--integrator", "verlet"], "--integrator"),
        (["--mode", "gpu"], "--mode"),
        (["--steps=-1"], "'--steps <steps>': must be a whole number from 0"),
    ])
    func badOptionsAreRefused(arguments: [String], message: String) throws {
        let result = try runProcess(builtProduct("logbook"), ["simulate", "--db", path] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func twoParticlesAtOnePositionWithoutSofteningStopAndNameThem() throws {
        let input = folder.file("clash.csv")
        try """
        mass,x,y,z,vx,vy,vz,name
        1,0,0,0,0,0,0,a
        1,1,0,0,0,0,0,b
        1,1,0,0,0,0,0,c
        """.write(toFile: input, atomically: true, encoding: .utf8)
        let result = try logbook("simulate", "--db", path, "--input", input, "--softening", "0", "--steps", "10")
        #expect(result.status == 3)
        #expect(result.stderr.contains("step 1: particles 1 and 2 are at the same position"), "\(result.stderr)")
        let database = try Connection(path: path, mode: .readOnly)
        #expect(try database.scalar("SELECT group_concat(step) FROM frames") == .text("0"), "the last good frame")
        #expect(try database.runs().first?.status == .failed)
        #expect(try database.scalar("SELECT group_concat(label) FROM particles") == .text("a,b,c"))
    }

    @Test func aValueGoingNonFiniteStopsAtTheLastGoodFrame() throws {
        let input = folder.file("fast.csv")
        // Energies finite at the start (a speed of 1e308 would make the
        // first frame's kinetic energy infinite); the position overflows.
        try "mass,x,y,z,vx,vy,vz\n1,1e308,0,0,1e150,0,0\n1,5,0,0,0,0,0\n".write(
            toFile: input, atomically: true, encoding: .utf8)
        let result = try logbook("simulate", "--db", path, "--input", input, "--dt", "1e160", "--steps", "10")
        #expect(result.status == 3)
        #expect(result.stderr.contains("particle 0 got a non-finite"), "\(result.stderr)")
        let database = try Connection(path: path, mode: .readOnly)
        guard case .integer(let last) = try database.scalar("SELECT max(step) FROM frames") else {
            Issue.record("no frame recorded")
            return
        }
        #expect(result.stderr.contains("step \(last + 1):"))
        #expect(try database.scalar("SELECT count(*) FROM states WHERE step = \(last)") == .integer(2))
    }

    @Test func aWriteThatFailsMidRunStopsTheCommandAndNamesTheFile() throws {
        #expect(try logbook("init", "--db", path).status == 0)
        try Connection(path: path, mode: .readWrite).execute(
            """
            CREATE TRIGGER no_step_30 BEFORE INSERT ON frames WHEN NEW.step = 30
            BEGIN SELECT RAISE(ABORT, 'frame 30 is refused'); END
            """)
        let result = try logbook(
            "simulate", "--db", path, "--particles", "20", "--steps", "100", "--record-every", "10")
        #expect(result.status == 3)
        #expect(result.stderr.contains("\(path): frame 30 is refused"), "\(result.stderr)")
        // What was recorded before the failing frame stays.
        let database = try Connection(path: path, mode: .readOnly)
        #expect(try database.scalar("SELECT group_concat(step) FROM frames") == .text("0,10,20"))
        #expect(try database.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    @Test func aRingWorkerThatDiesEndsTheRunWithAClearError() throws {
        let child = try ChildProcess(
            builtProduct("logbook"),
            [
                "simulate", "--db", path, "--mode", "processes", "--workers", "2", "--particles", "2000", "--steps",
                "1000000",
            ])
        waitForFrames(path, atLeast: 2)
        let children = try String(contentsOfFile: "/proc/\(child.pid)/task/\(child.pid)/children", encoding: .utf8)
            .split(separator: " ").compactMap { Int32($0) }
        #expect(children.count == 2)
        kill(children[1], SIGKILL)
        let result = child.finish(timeout: .seconds(60))
        #expect(!result.timedOut, "the coordinator hung after a worker died")
        #expect(result.status == 3)
        #expect(result.stderr.contains("ring worker 1 was killed by signal 9"), "\(result.stderr)")
        #expect(try Connection(path: path, mode: .readOnly).runs().first?.status == .failed)
    }

    @Test func trajectoriesAndFramesAreAnsweredByTheirKeys() throws {
        #expect(
            try logbook("simulate", "--db", path, "--particles", "20", "--steps", "30", "--record-every", "5").status
                == 0)
        let trajectory = try logbook(
            "query", "--db", path, "--format", "csv",
            "SELECT step, x FROM trajectory WHERE run_id = 1 AND particle = 3 ORDER BY step")
        #expect(trajectory.stdout.split(separator: "\r\n").count == 1 + 7)
        let plan = try logbook(
            "query", "--db", path, "--format", "csv",
            "EXPLAIN QUERY PLAN SELECT * FROM trajectory WHERE run_id = 1 AND particle = 3")
        #expect(
            plan.stdout.contains("SEARCH s USING PRIMARY KEY (run_id=? AND step=? AND particle=?)"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("SCAN s"))
        let frame = try logbook(
            "query", "--db", path, "--format", "csv",
            "EXPLAIN QUERY PLAN SELECT * FROM states WHERE run_id = 1 AND step = 10")
        #expect(frame.stdout.contains("SEARCH states USING PRIMARY KEY (run_id=? AND step=?)"), "\(frame.stdout)")
    }
}
