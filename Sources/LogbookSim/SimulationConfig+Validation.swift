public import SimulationSchema

extension SimulationConfig {
    /// Refuses settings that cannot run, naming the option.
    public func validate(particleCount: Int) throws {
        func refuse(_ message: String) throws -> Never { throw SimulationError(.options, message) }
        if steps < 0 { try refuse("--steps must be 0 or more, not \(steps)") }
        if !(physics.dt > 0) || !physics.dt.isFinite { try refuse("--dt must be a positive number, not \(physics.dt)") }
        if !(physics.softening >= 0) || !physics.softening.isFinite {
            try refuse("--softening must be 0 or more, not \(physics.softening)")
        }
        if !physics.gravity.isFinite { try refuse("--G must be a finite number, not \(physics.gravity)") }
        if recordEvery < 1 { try refuse("--record-every must be 1 or more, not \(recordEvery)") }
        if workers < 1 { try refuse("--workers must be 1 or more, not \(workers)") }
        if particleCount < 1 { try refuse("a simulation needs at least one particle") }
        if workers > particleCount {
            try refuse(
                "--workers \(workers) is more than the \(particleCount) particles; each worker needs at least one")
        }
        if mode == .serial, workers != 1 {
            try refuse("--mode serial runs one worker; drop --workers or use --mode threads")
        }
    }
}
