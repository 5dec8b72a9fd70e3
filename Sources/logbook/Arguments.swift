public import ArgumentParser
public import SimulationSchema

// LogbookSim's choices parse from their names: `--integrator leapfrog`, `--mode threads`.
extension Integrator: ExpressibleByArgument {}
extension SimulationConfig.Mode: ExpressibleByArgument {}
