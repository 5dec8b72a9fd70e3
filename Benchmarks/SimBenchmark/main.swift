import Foundation
import LogbookSim
import LogbookStore
import SimulationSchema

// Usage: SimBenchmark PATH-TO-C-KERNEL PATH-TO-LOGBOOK   (run by `make bench-sim`)
//
// 1. Force-kernel throughput at N = 4096: logbook serial and threads (W = 2),
//    against the plain C kernel (-O3 -march=native -ffast-math) on 1 and 2
//    threads, in the same invocation. Floors: threads ≥ 1.0e9 pair
//    interactions/s and ≥ 0.5× C on 2 threads; serial and threads must be
//    bit-identical.
// 2. Recording cost at N = 1000: every 10th step recorded, against only the
//    first and last. Floor: at most 15% slower.
// 3. The ring at N = 4,096 and N = 32,768: `mpi` on 2 ranks (mpirun, with
//    the logbook binary) against `threads` W = 2 and `processes` 2, with the
//    time spent passing positions around. Floor: mpi ≥ 0.8× threads at
//    N = 32,768; all three bit-identical.
// Each figure is the median of 3 rounds.

let kernel = CommandLine.arguments.dropFirst().first ?? "nbody"
let logbookBinary = CommandLine.arguments.dropFirst(2).first ?? ".build/release/logbook"
let folder = NSTemporaryDirectory() + "/logbook-bench-sim-\(getpid())"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// Runs logbook's simulation in-process; returns interactions/s and the run's final state.
func logbook(
    particles count: Int, steps: Int, mode: SimulationConfig.Mode, workers: Int,
    recordEvery: Int
) throws -> (rate: Double, final: Particles) {
    let path = "\(folder)/\(UUID().uuidString).sqlite"
    let recorder = try Recorder(path: path, options: Simulation.recorderOptions)
    let particles = Particles.plummer(count: count, seed: 1)
    let config = SimulationConfig(
        source: .plummer(particles: count, seed: 1), steps: steps,
        physics: Physics(softening: 0.01, dt: 1e-3, integrator: .leapfrog),
        mode: mode, workers: workers, recordEvery: recordEvery)
    let summary = try Simulation.start(
        config, particles: particles, recorder: recorder, hooks: SimulationHooks(workerExecutable: logbookBinary))
    try recorder.close()
    return (summary.interactionsPerSecond, try finalState(path, steps: steps, of: particles))
}

/// `mpirun -np ranks logbook simulate --mode mpi`, the same run as `logbook(…)`:
/// interactions/s, seconds in the ring's exchange, and the final state.
func mpi(particles count: Int, steps: Int, ranks: Int) throws -> (rate: Double, exchange: Double, final: Particles) {
    let path = "\(folder)/\(UUID().uuidString).sqlite"
    let process = Process()
    process.executableURL = URL(filePath: "/usr/bin/mpirun")
    process.arguments =
        ["--oversubscribe", "-np", "\(ranks)", logbookBinary, "simulate", "--mode", "mpi", "--db", path, "--quiet"]
        + ["--particles", "\(count)", "--seed", "1", "--softening", "0.01", "--dt", "0.001"]
        + ["--integrator", "leapfrog", "--steps", "\(steps)", "--record-every", "\(steps)"]
    if getuid() == 0 {
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]) { $1 }
    }
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    /// The number after `label` in the summary.
    func figure(_ label: String) throws -> Double {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }),
            let value = line.split(separator: " ").dropFirst(label.split(separator: " ").count).first.flatMap({
                Double($0)
            })
        else { throw CocoaError(.fileReadCorruptFile) }
        return value
    }
    let final = try finalState(path, steps: steps, of: Particles.plummer(count: count, seed: 1))
    return (try figure("interactions/s"), try figure("ring exchange"), final)
}

/// The state a run in `path` recorded at `steps`.
func finalState(_ path: String, steps: Int, of particles: Particles) throws -> Particles {
    let states = try Connection(path: path, mode: .readOnly).prepare(
        "SELECT x, y, z, vx, vy, vz FROM states WHERE step = \(steps) ORDER BY particle")
    var columns: [[Double]] = Array(repeating: [], count: 6)
    while try states.step() { for c in 0..<6 { columns[c].append(states.double(c)) } }
    return Particles(
        mass: particles.mass, x: columns[0], y: columns[1], z: columns[2],
        vx: columns[3], vy: columns[4], vz: columns[5])
}

func c(particles: Int, steps: Int, threads: Int) throws -> Double {
    let process = Process()
    process.executableURL = URL(filePath: kernel)
    process.arguments = [String(particles), String(steps), String(threads)]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard
        let rate = text.split(separator: " ").last.flatMap({
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        })
    else { throw CocoaError(.fileReadCorruptFile) }
    return rate
}

let n = 4096, steps = 60
var serial: [Double] = [], threads: [Double] = [], c1: [Double] = [], c2: [Double] = []
var identical = true
for round in 1...3 {
    let s = try logbook(particles: n, steps: steps, mode: .serial, workers: 1, recordEvery: steps)
    let t = try logbook(particles: n, steps: steps, mode: .threads, workers: 2, recordEvery: steps)
    identical = identical && s.final == t.final
    serial.append(s.rate)
    threads.append(t.rate)
    c1.append(try c(particles: n, steps: steps, threads: 1))
    c2.append(try c(particles: n, steps: steps, threads: 2))
    print("round \(round): serial \(serial.last!), threads \(threads.last!), C×1 \(c1.last!), C×2 \(c2.last!)")
}

let small = 1000, smallSteps = 1000
var recorded: [Double] = [], unrecorded: [Double] = []
for _ in 1...3 {
    unrecorded.append(
        try logbook(particles: small, steps: smallSteps, mode: .threads, workers: 2, recordEvery: smallSteps).rate)
    recorded.append(try logbook(particles: small, steps: smallSteps, mode: .threads, workers: 2, recordEvery: 10).rate)
}

/// Part 3: the ring's modes at one N, medians of 3 rounds.
struct RingFigures {
    let n: Int
    var threads: [Double] = [], processes: [Double] = [], mpi: [Double] = [], exchange: [Double] = []
    var identical = true
    var ratio: Double { median(mpi) / median(threads) }
}
var rings: [RingFigures] = []
for (n, steps) in [(4096, 60), (32_768, 10)] {
    var figures = RingFigures(n: n)
    for round in 1...3 {
        let t = try logbook(particles: n, steps: steps, mode: .threads, workers: 2, recordEvery: steps)
        let p = try logbook(particles: n, steps: steps, mode: .processes, workers: 2, recordEvery: steps)
        let m = try mpi(particles: n, steps: steps, ranks: 2)
        figures.identical = figures.identical && t.final == p.final && t.final == m.final
        figures.threads.append(t.rate)
        figures.processes.append(p.rate)
        figures.mpi.append(m.rate)
        figures.exchange.append(m.exchange)
        print(
            "N = \(n) round \(round): threads \(t.rate), processes \(p.rate), mpi \(m.rate) (exchange \(m.exchange) s)")
    }
    rings.append(figures)
}

let ratio = median(threads) / median(c2)
let cost = 1 - median(recorded) / median(unrecorded)
func e(_ value: Double) -> String { String(format: "%.2e", value) }
print(
    """

    N = \(n), \(steps) steps, pair interactions per second (median of 3):
      logbook serial        \(e(median(serial)))
      logbook threads W=2   \(e(median(threads)))   (floor 1.00e+09)
      C kernel, 1 thread    \(e(median(c1)))
      C kernel, 2 threads   \(e(median(c2)))
      threads / C (2 each)  \(String(format: "%.2f", ratio))   (floor 0.50)
      serial == threads     \(identical ? "bit-identical" : "DIFFERENT")
    N = \(small), \(smallSteps) steps, threads W=2:
      recording only first and last   \(e(median(unrecorded)))
      recording every 10th step       \(e(median(recorded)))
      cost of recording               \(String(format: "%.1f%%", 100 * cost))   (floor 15%)
    """)
for ring in rings {
    print(
        """
        N = \(ring.n), 2 workers, ranks or processes:
          threads W=2           \(e(median(ring.threads)))
          processes 2           \(e(median(ring.processes)))   \(String(format: "%.2f", median(ring.processes) / median(ring.threads)))× threads
          mpi P=2               \(e(median(ring.mpi)))   \(String(format: "%.2f", ring.ratio))× threads\(ring.n == 32_768 ? "   (floor 0.80)" : "")
          ring exchange, mpi    \(String(format: "%.3f", median(ring.exchange))) s on rank 0
          three modes           \(ring.identical ? "bit-identical" : "DIFFERENT")
        """)
}
let ringsPass = rings.allSatisfy { $0.identical } && rings.last.map { $0.ratio >= 0.8 } ?? false
exit(median(threads) >= 1e9 && ratio >= 0.5 && identical && cost <= 0.15 && ringsPass ? 0 : 1)
