import LogbookSim
import LogbookStore
import LogbookTestSupport
import SimulationSchema

/// Runs `config` on a fresh database and returns its path and run id.
func simulate(
    _ config: SimulationConfig, _ particles: Particles, in folder: TemporaryDirectory,
    name: String = "sim.sqlite"
) throws -> (path: String, run: Int64, summary: SimulationSummary) {
    let path = folder.file(name)
    let recorder = try Recorder(path: path)
    let summary = try Simulation.start(
        config, particles: particles, recorder: recorder,
        hooks: SimulationHooks(workerExecutable: builtProduct("logbook")))
    try recorder.close()
    return (path, summary.runID, summary)
}

func config(
    _ particles: Particles, steps: Int, dt: Double, softening: Double = 0, integrator: Integrator = .leapfrog,
    mode: SimulationConfig.Mode = .serial, workers: Int = 1, recordEvery: Int = 1
) -> SimulationConfig {
    SimulationConfig(
        source: .csv(path: "test"), steps: steps,
        physics: Physics(softening: softening, dt: dt, integrator: integrator),
        mode: mode, workers: workers, recordEvery: recordEvery)
}
