import SimulationSchema

extension ParticleBuffers {
    /// The part of a step before positions are shared: each worker moves its
    /// own particles from the state of `step` into the state of `step + 1`.
    func writePhase(_ range: Range<Int>, step: Int, physics: Physics) {
        switch physics.integrator {
        case .euler: kickDrift(range, step: step, kick: physics.dt, dt: physics.dt)
        case .leapfrog: kickDrift(range, step: step, kick: physics.dt / 2, dt: physics.dt)
        }
    }

    /// The part of a step after every position of `step` is visible: each
    /// worker computes its own particles' accelerations (and finishes their
    /// velocities, for leapfrog).
    func readPhase(_ range: Range<Int>, step: Int, physics: Physics, potential: Bool) {
        accelerate(range, step: step, gravity: physics.gravity, softening: physics.softening, potential: potential)
        if physics.integrator == .leapfrog { kick(range, step: step, kick: physics.dt / 2) }
    }

    /// What went wrong in `range` at `step`, if anything: a non-finite
    /// position or velocity, or a non-finite acceleration for the next step.
    func check(_ range: Range<Int>, step: Int) -> PhaseCheck {
        PhaseCheck(badState: firstNonFiniteState(range, step: step), badAcceleration: firstNonFiniteAcceleration(range))
    }
}

/// One worker's findings after a step, merged by the coordinator.
struct PhaseCheck: Hashable, Sendable, Codable {
    var badState: Int? = nil
    var badAcceleration: Int? = nil

    static let clean = PhaseCheck(badState: nil, badAcceleration: nil)

    func merged(with other: PhaseCheck) -> PhaseCheck {
        PhaseCheck(
            badState: [badState, other.badState].compactMap { $0 }.min(),
            badAcceleration: [badAcceleration, other.badAcceleration].compactMap { $0 }.min())
    }
}
