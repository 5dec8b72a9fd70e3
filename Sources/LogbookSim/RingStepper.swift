struct RingStepper { init(particles: Particles, physics: Physics, workers: Int) {}; func run(_ c: StepCoordinator) throws { throw SimulationError(.worker, "processes mode is not built yet") } }
