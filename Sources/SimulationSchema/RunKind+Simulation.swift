public import LogbookStore

extension RunKind {
    /// A simulation of particles: its tables are `particles`, `frames` and `states`.
    public static let simulation = RunKind(rawValue: "simulation")
}
