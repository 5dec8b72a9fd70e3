import SimulationSchema

extension Particles {
    /// Another particle at exactly the position of `particle`.
    func coincident(with particle: Int) -> Int? {
        (0..<count).first { j in
            j != particle && x[j] == x[particle] && y[j] == y[particle] && z[j] == z[particle]
        }
    }
}
