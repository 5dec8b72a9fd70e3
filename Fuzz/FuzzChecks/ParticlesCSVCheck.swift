import Foundation
import LogbookSim
import SimulationSchema

/// Any file gives finite particles with positive masses, or an input error
/// that names the file.
enum ParticlesCSVCheck {
    static func check(_ input: [UInt8]) throws {
        // The reader takes a path; tests replay inputs in parallel, so each has its own file.
        let path = FileManager.default.temporaryDirectory.appending(path: "logbook-fuzz-\(UUID().uuidString).csv").path
        try Data(input).write(to: URL(filePath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        func fail(_ message: String) -> PropertyViolation { PropertyViolation(target: .particlesCSV, message: message) }
        let particles: Particles
        do {
            particles = try Particles.csv(contentsOf: path)
        } catch let error as SimulationError {
            guard error.description.contains(path) else { throw fail("the error does not name the file: \(error)") }
            return
        }
        guard particles.count > 0 else { throw fail("no particles and no error") }
        for values in [particles.x, particles.y, particles.z, particles.vx, particles.vy, particles.vz, particles.mass]
        {
            guard values.allSatisfy(\.isFinite) else { throw fail("non-finite values: \(particles)") }
        }
        guard particles.mass.allSatisfy({ $0 > 0 }) else {
            throw fail("a mass that is not positive: \(particles.mass)")
        }
    }
}
