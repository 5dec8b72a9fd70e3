import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// Simulations whose energies cannot be computed fail like any step that
/// goes non-finite; one whose drift has no meaning says "n/a"; an input
/// whose columns are ambiguous is refused.
@Suite struct NonFiniteSimulationTests {
    let folder = TemporaryDirectory()
    var path: String { folder.database }

    func input(_ csv: String) throws -> String {
        let file = folder.file("bodies.csv")
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func massesNear1e308FailAtTheFirstFrameNamingTheEnergy() throws {
        let bodies = try input("mass,x,y,z,vx,vy,vz\n1e308,1,0,0,0,0,0\n1e308,-1,0,0,0,0,0\n")
        let result = try logbook("simulate", "--db", path, "--input", bodies, "--steps", "10")
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stderr.contains("run 1: step 0: the potential energy and total energy are not finite"),
            "\(result.stderr)")
        #expect(
            result.stdout.contains("simulation failed") && result.stdout.contains("energy drift     n/a"),
            "\(result.stdout)")
        #expect(!result.stdout.contains("nan"))
        let database = try Connection(path: path, mode: .readOnly)
        #expect(
            try database.scalar("SELECT group_concat(step) FROM frames") == .text("0"),
            "the first frame, its state good")
        #expect(try database.scalar("SELECT potential FROM frames") == .null)
        #expect(try database.runs().first?.status == .failed)
        #expect(try database.runs().first?.summary?.contains("failed: step 0: the potential energy") == true)
    }

    @Test func aHugeGravitationalConstantFailsOnceAnEnergyOverflows() throws {
        let result = try logbook(
            "simulate", "--db", path, "--particles", "10", "--G", "1e308", "--steps", "10", "--quiet")
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("energy") && result.stderr.contains("not finite"), "\(result.stderr)")
        #expect(!result.stdout.contains("nan") && !result.stdout.contains("inf"), "\(result.stdout)")
        #expect(try Connection(path: path, mode: .readOnly).runs().first?.status == .failed)
    }

    @Test func oneParticleCompletesWithNoDriftToReport() throws {
        let result = try logbook("simulate", "--db", path, "--particles", "1", "--steps", "10", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("energy drift     n/a"), "\(result.stdout)")
        #expect(!result.stdout.contains("nan"))
        let runs = try logbook("runs", "--db", path, "--format", "csv")
        #expect(runs.stdout.contains("1 particle, 10 steps, energy drift n/a"), "\(runs.stdout)")
        let out = folder.file("one.html")
        #expect(try logbook("report", "--db", path, "1", "--out", out).status == 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains(#"data-key="energy_drift">n/a<"#) && !html.contains(">nan<"))
    }

    @Test(arguments: [
        ("mass,x,y,z,vx,vy,vz,x\n1,0,0,0,0,0,0,5\n", #"line 1: column "x" appears twice (columns 2 and 8)"#),
        ("Mass,x,y,z,vx,vy,vz, mass \n1,0,0,0,0,0,0,2\n", #"line 1: column " mass " appears twice (columns 1 and 8)"#),
        (
            "name,mass,x,y,z,vx,vy,vz,name\na,1,0,0,0,0,0,0,b\n",
            #"line 1: column "name" appears twice (columns 1 and 9)"#
        ),
    ])
    func aColumnNamedTwiceIsRefused(csv: String, message: String) throws {
        let bodies = try input(csv)
        let result = try logbook("simulate", "--db", path, "--input", bodies)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(bodies) \(message)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing recorded for a bad input")
    }
}
