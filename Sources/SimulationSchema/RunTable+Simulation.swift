public import LogbookStore

extension RunTable {
    /// A simulation's tables, as `RunCopy` copies a run, each in its key's order.
    public static let simulation: [RunTable] = [
        RunTable("particles", order: "particle", columns: ["run_id": .run]),
        RunTable("frames", order: "step", columns: ["run_id": .run]),
        RunTable("states", order: "step, particle", columns: ["run_id": .run]),
    ]
}
