import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

@Suite struct SimulationDiffTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    /// Two particles with G = 0: no forces, so each moves in a straight line
    /// and after s steps of dt sits at x₀ + s·dt·v. Between runs with dt and
    /// dt + 0.001 the particles are then s·0.001·|v| apart: 0.001·s for
    /// particle 0 (|v| = 1) and 0.002·s for particle 1 (|v| = 2).
    func driftingPair() throws -> String {
        let csv = folder.file("pair.csv")
        try "mass,x,y,z,vx,vy,vz\n1,0,0,0,1,0,0\n1,10,0,0,0,2,0\n".write(toFile: csv, atomically: true, encoding: .utf8)
        return csv
    }

    func simulate(_ csv: String, dt: String, into database: String? = nil) throws {
        let result = try logbook(
            "simulate", "--db", database ?? path, "--quiet", "--input", csv, "--G", "0", "--steps", "40",
            "--record-every", "1", "--dt", dt)
        #expect(result.status == 0, "\(result.stderr)")
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        let document = try #require(
            JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        return try #require(document["diff"] as? [String: Any])
    }

    @Test func runsWithADifferentTimeStepDivergeAtTheExpectedStep() throws {
        let csv = try driftingPair()
        try simulate(csv, dt: "0.01")
        try simulate(csv, dt: "0.011")
        // Particle 1 is 0.010 apart at step 5 and 0.012 at step 6.
        let result = try logbook("diff", "--db", path, "--format", "json", "--tolerance", "0.0105", "1", "2")
        #expect(result.status == 1, "\(result.stderr)")
        let diff = try json(result)
        let divergence = try #require(diff["firstDivergence"] as? [String: Any])
        #expect(divergence["step"] as? Int == 6)
        #expect(divergence["particle"] as? Int == 1)
        #expect(divergence["quantity"] as? String == "position")
        let settings = try #require(diff["settings"] as? [[String: Any]])
        #expect(settings.map { $0["setting"] as? String } == ["physics.dt"], "only dt differs")

        let steps = try #require(diff["steps"] as? [[String: Any]])
        #expect(steps.count == 41)
        for step in steps {
            let s = Double(step["step"] as? Int ?? -1)
            let maximum = try #require(step["maxPosition"] as? Double),
                rms = try #require(step["rmsPosition"] as? Double)
            #expect(abs(maximum - 0.002 * s) < 1e-12, "step \(s)")
            #expect(abs(rms - ((0.000_001 * s * s + 0.000_004 * s * s) / 2).squareRoot()) < 1e-12, "step \(s)")
            #expect(step["maxVelocity"] as? Double == 0)
        }

        // A relative tolerance of 0.1 % of |x in A| (≈ 10 for particle 1) allows 0.01 more.
        let relative = try json(
            try logbook(
                "diff", "--db", path, "--format", "json", "--tolerance", "0.0105",
                "--relative-tolerance", "0.001", "1", "2"))
        #expect((relative["firstDivergence"] as? [String: Any])?["step"] as? Int == 11)

        let text = try logbook("diff", "--db", path, "--tolerance", "0.0105", "1", "2")
        #expect(text.stdout.contains("physics.dt: 0.01 → 0.011"))
        #expect(text.stdout.contains("DIVERGED at step 6: particle 1's position differs by 0.012"))
    }

    @Test func identicalRunsDoNotDiverge() throws {
        try simulate(try driftingPair(), dt: "0.01")
        #expect(
            try logbook(
                "simulate", "--db", path, "--quiet", "--particles", "64", "--steps", "30", "--record-every", "3",
                "--mode", "serial"
            ).status == 0)
        #expect(
            try logbook(
                "simulate", "--db", path, "--quiet", "--particles", "64", "--steps", "30", "--record-every", "3",
                "--mode", "threads", "--workers", "2"
            ).status == 0)
        let same = try logbook("diff", "--db", path, "1", "1")
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("no divergence beyond the tolerance"))
        // Threads and serial are bit-identical, so even a zero tolerance holds.
        let modes = try logbook("diff", "--db", path, "--format", "json", "2", "3")
        #expect(modes.status == 0, "\(modes.stdout)")
        let diff = try json(modes)
        #expect(diff["firstDivergence"] == nil)
        #expect((diff["steps"] as? [[String: Any]])?.count == 11)
        #expect(
            (diff["settings"] as? [[String: Any]])?.compactMap { $0["setting"] as? String }.sorted() == [
                "mode", "workers",
            ])
    }

    @Test func aRunStillBeingWrittenComparesOverTheStepsItHasSoFar() throws {
        let particles = ["--particles", "300", "--seed", "4", "--record-every", "5"]
        #expect(
            try runProcess(
                builtProduct("logbook"), ["simulate", "--db", path, "--quiet", "--steps", "100"] + particles
            ).status == 0)
        let running = try ChildProcess(
            builtProduct("logbook"), ["simulate", "--db", path, "--quiet", "--steps", "100000000"] + particles)
        defer { running.signal(SIGKILL); _ = running.finish() }
        #expect(
            waitUntil { (try? committedRows(in: path, table: "frames", where: "run_id = 2")) ?? 0 >= 30 },
            "30 frames of run 2")
        let result = try logbook("diff", "--db", path, "--format", "json", "1", "2")
        #expect(result.status == 0, "the same particles and settings but --steps: \(result.stdout)\(result.stderr)")
        let diff = try json(result)
        #expect((diff["steps"] as? [[String: Any]])?.count == 21, "steps 0 to 100 in both")
        #expect((diff["settings"] as? [[String: Any]])?.compactMap { $0["setting"] as? String } == ["steps"])
    }

    @Test func refusesDifferentParticleCountsAndBadTolerances() throws {
        try simulate(try driftingPair(), dt: "0.01")
        #expect(try logbook("simulate", "--db", path, "--quiet", "--particles", "3", "--steps", "2").status == 0)
        let counts = try logbook("diff", "--db", path, "1", "2")
        #expect(counts.status == 2)
        #expect(counts.stderr.contains("run 1 has 2 particles and run 2 has 3"))
        let negative = try logbook("diff", "--db", path, "--tolerance", "-1", "1", "1")
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("--tolerance"))
        let below = try logbook("diff", "--db", path, "--tolerance=-1", "1", "1")
        #expect(below.status == 2)
        #expect(below.stderr.contains("'--tolerance <absolute>': must be a finite number, 0 or more"))
    }
}
