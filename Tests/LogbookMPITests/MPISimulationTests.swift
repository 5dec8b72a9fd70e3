import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// `--mode mpi` through the real binary under the real mpirun.
@Suite(.serialized, .enabled(if: mpirunPath != nil, "needs Open MPI's mpirun"))
struct MPISimulationTests {
    let folder = TemporaryDirectory()

    /// Long enough (several seconds on two cores) to be stopped or lose a rank part-way.
    let longRun = ["--particles", "1000", "--seed", "5", "--steps", "6000", "--record-every", "50", "--quiet"]

    func reference(_ arguments: [String], named name: String = "reference.sqlite") throws -> String {
        let database = folder.file(name)
        let result = try runProcess(
            builtProduct("logbook"), ["simulate", "--db", database, "--mode", "threads", "--workers", "2"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return database
    }

    /// `longRun` under mpirun on `ranks`, once `frames` frames are committed.
    func startLongRun(on ranks: Int, into database: String, frames: Int64 = 2) throws -> ChildProcess {
        let child = try mpirunChild(ranks, ["simulate", "--db", database, "--mode", "mpi"] + longRun)
        #expect(waitUntil { (try? committedRows(in: database, table: "frames")) ?? 0 >= frames || !child.isRunning })
        return child
    }

    /// Resumes run 1 on `ranks`: every state the uninterrupted `expected` recorded is recorded, bit for bit.
    func expectResumed(_ database: String, on ranks: Int, equals expected: String) throws {
        let resumed = try mpirun(ranks, ["resume", "1", "--db", database, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let reference = try RecordedStates(run: 1, in: expected)
        let steps = Set(reference.steps)
        let actual = try RecordedStates(run: 1, in: database).rows.filter { steps.contains($0.step) }
        #expect(reference.difference(from: actual) == nil, "resumed on \(ranks) ranks")
    }

    @Test(arguments: ["euler", "leapfrog"])
    func everyRankCountIsBitIdenticalToThreads(integrator: String) throws {
        // 203 particles: ranges of unequal lengths for every P.
        let run = ["--particles", "203", "--steps", "40", "--record-every", "1", "--integrator", integrator, "--quiet"]
        let expected = try reference(run)
        for ranks in [2, 3, 5] {
            let database = folder.file("mpi-\(ranks).sqlite")
            let result = try mpirun(ranks, ["simulate", "--db", database, "--mode", "mpi"] + run)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("ring exchange"))
            let states = try RecordedStates(run: 1, in: database)
            #expect(states.steps.count == 41)
            #expect(states.difference(from: try RecordedStates(run: 1, in: expected)) == nil, "P = \(ranks)")
            #expect(try frameTotals(in: database) == frameTotals(in: expected), "P = \(ranks)")
            let config = try succeeding(
                "query", "--db", database, "--format", "csv",
                "SELECT json_extract(config, '$.mode') || ' ' || json_extract(config, '$.workers') AS m FROM runs")
            #expect(config == "m\r\nmpi \(ranks)\r\n")
        }
    }

    @Test func aRankThatDiesFailsTheRunNamingItAndResumeOnOtherRanksFinishesIt() throws {
        let expected = try reference(longRun)
        let database = folder.file("killed.sqlite")
        let child = try startLongRun(on: 3, into: database, frames: 3)
        let rank2 = try #require(processes(naming: database).first { $0.rank == 2 }, "rank 2 is running")
        let committed = try committedRows(in: database, table: "frames")
        kill(rank2.pid, SIGKILL)
        let ended = child.finish(timeout: .seconds(60))
        #expect(!ended.timedOut && ended.status != 0)
        #expect(ended.stderr.contains("logbook: rank 2 stopped answering"), "\(ended.stderr)")
        let run = try #require(try Connection(path: database, mode: .readOnly).runs().first)
        #expect(run.status == .failed)
        #expect(run.summary?.contains("rank 2 stopped answering") == true, "\(run.summary ?? "")")
        #expect(try committedRows(in: database, table: "frames") >= committed, "committed frames are kept")
        #expect(try succeeding("query", "--db", database, "PRAGMA integrity_check").contains("ok"))
        #expect(waitUntil(timeout: .seconds(10)) { processes(naming: database).isEmpty }, "no rank is left")
        try expectResumed(database, on: 2, equals: expected)
    }

    @Test func ctrlCToMpirunRecordsTheStepAndResumeOnOtherRanksFinishesIt() throws {
        let expected = try reference(longRun)
        let database = folder.file("stopped.sqlite")
        let child = try startLongRun(on: 2, into: database)
        child.signal(SIGINT)
        let stopped = child.finish(timeout: .seconds(60))
        // mpirun ends with 1 after a stop, whatever the ranks return: the
        // database says what happened.
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains("continue with: mpirun -np 2 logbook resume 1"), "\(stopped.stderr)")
        #expect(try Connection(path: database, mode: .readOnly).runs().first?.status == .interrupted)
        try expectResumed(database, on: 3, equals: expected)
    }

    @Test func mistakesEndEveryRankWithOneMessage() throws {
        let database = folder.file("mistakes.sqlite")
        let cases: [([String], String)] = [
            (["simulate", "--mode", "mpi", "--input", folder.file("missing.csv")], "cannot read the file"),
            (["simulate", "--mode", "mpi", "--workers", "3"], "--workers 3 is not the 2 ranks mpirun started"),
            (["simulate", "--mode", "threads"], "mpirun started 2 copies of logbook; --mode threads runs in one"),
            (["simulate", "--mode", "mpi", "--particles", "1"], "mpirun started 2 ranks for 1 particles"),
            // A parse error happens on every rank before MPI starts: rank 0 alone says it.
            (["simulate", "--mode", "mpi", "--particles", "-5"], "The value '-5' is invalid"),
            (["runs"], "mpirun started 2 copies of logbook; only simulate --mode mpi and resume use MPI's ranks"),
        ]
        for (arguments, message) in cases {
            let options = arguments == ["runs"] ? [] : ["--steps", "3"]
            let result = try mpirun(2, arguments + ["--db", database] + options, timeout: .seconds(60))
            #expect(!result.timedOut && result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.components(separatedBy: message).count == 2, "\(arguments): \(result.stderr)")
        }
        #expect(
            try logbook("simulate", "--db", database, "--mode", "mpi").stderr.contains(
                "mpirun -np 2 logbook simulate --mode mpi"))
        #expect(
            try logbook(
                "simulate", "--db", database, "--mode", "threads", "--workers", "2", "--steps", "2", "--particles", "20"
            ).status == 0)
        try Connection(path: database, mode: .readWrite).execute("UPDATE runs SET status = 'interrupted'")
        let threadsRun = try mpirun(2, ["resume", "1", "--db", database], timeout: .seconds(60))
        #expect(threadsRun.status == 2, "\(threadsRun.stderr)")
        #expect(
            threadsRun.stderr.contains(
                "run 1 is a threads simulation, which runs in one process: resume it without mpirun"),
            "\(threadsRun.stderr)")
        #expect(try Connection(path: database, mode: .readOnly).runs().first?.status == .interrupted)
    }

    @Test func resumingOnMoreRanksThanParticlesLeavesTheRunAsItWas() throws {
        let database = folder.file("three.sqlite")
        let child = try mpirunChild(
            2, ["simulate", "--db", database, "--mode", "mpi", "--particles", "3", "--steps", "100000000", "--quiet"])
        #expect(waitUntil { (try? committedRows(in: database, table: "frames")) ?? 0 >= 1 || !child.isRunning })
        child.signal(SIGINT)
        #expect(!child.finish(timeout: .seconds(60)).timedOut)
        #expect(try Connection(path: database, mode: .readOnly).runs().first?.status == .interrupted)

        let refused = try mpirun(4, ["resume", "1", "--db", database], timeout: .seconds(60))
        #expect(
            refused.status == 2 && refused.stderr.contains("mpirun started 4 ranks for 3 particles"),
            "\(refused.stderr)")
        #expect(try Connection(path: database, mode: .readOnly).runs().first?.status == .interrupted, "not claimed")
        let alone = try logbook("resume", "1", "--db", database)
        #expect(alone.status == 2 && alone.stderr.contains("continue it with: mpirun -np P logbook resume 1"))
    }

    @Test func aSignalToOneRankStopsTheRunAsAtRankZero() throws {
        let expected = try reference(longRun)
        let database = folder.file("rank-signalled.sqlite")
        let child = try startLongRun(on: 3, into: database)
        let rank1 = try #require(processes(naming: database).first { $0.rank == 1 }, "rank 1 is running")
        kill(rank1.pid, SIGTERM)
        let stopped = child.finish(timeout: .seconds(60))
        #expect(stopped.stderr.contains("continue with: mpirun -np 3 logbook resume 1"), "\(stopped.stderr)")
        #expect(try Connection(path: database, mode: .readOnly).runs().first?.status == .interrupted)
        try expectResumed(database, on: 2, equals: expected)
    }
}
