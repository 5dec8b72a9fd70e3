import LogbookStore
import SimulationSchema

/// How two simulations of the same particles drift apart, step by step.
public struct SimulationDiff: Sendable, Encodable {
    /// When a difference counts as divergence: |Δ| > absolute + relative · |value in A|,
    /// for positions and velocities alike (numpy's `isclose` rule).
    public struct Tolerance: Hashable, Sendable, Encodable {
        public let absolute: Double
        public let relative: Double

        /// Any difference at all is divergence.
        public static let exact = Tolerance(checkedAbsolute: 0, relative: 0)

        /// Refuses negative or non-finite tolerances, naming the options that set them.
        public init(absolute: Double, relative: Double) throws {
            guard absolute >= 0, relative >= 0, absolute.isFinite, relative.isFinite else {
                throw CompareError(
                    .options,
                    """
                    --tolerance and --relative-tolerance must be finite and 0 or more, not \(absolute) and \(relative)
                    """)
            }
            self.init(checkedAbsolute: absolute, relative: relative)
        }

        private init(checkedAbsolute absolute: Double, relative: Double) {
            self.absolute = absolute
            self.relative = relative
        }

        /// The largest difference allowed from `value`.
        func limit(from value: Double) -> Double { absolute + relative * value }
    }

    /// The differences at one recorded step both runs have.
    public struct Step: Hashable, Sendable, Encodable {
        public let step: Int64
        public let maxPosition: Double
        public let rmsPosition: Double
        public let maxVelocity: Double
        public let rmsVelocity: Double
    }

    /// The first particle whose difference passed the tolerance.
    public struct Divergence: Hashable, Sendable, Encodable {
        public let step: Int64
        public let particle: Int64
        /// "position" or "velocity".
        public let quantity: String
        public let difference: Double
        public let allowed: Double
    }

    /// How far a run's total energy moved from its first recorded frame.
    public struct EnergyDrift: Hashable, Sendable, Encodable {
        /// (E_last − E_first) / |E_first|.
        public let final: Double?
        /// max |E − E_first| / |E_first| over the recorded frames.
        public let maximum: Double?

        /// Measured from the first frame with a recorded (finite) energy.
        init(_ frames: [FrameTotals]) {
            let recorded = frames.filter { $0.total != nil }
            guard let first = recorded.first, let last = recorded.last else {
                (final, maximum) = (nil, nil)
                return
            }
            final = last.energyChange(since: first)
            maximum = recorded.compactMap { $0.energyDrift(since: first) }.max()
        }
    }

    public let a: Int64
    public let b: Int64
    public let settings: [SettingChange]
    public let particles: Int
    public let tolerance: Tolerance
    public let steps: [Step]
    public let firstDivergence: Divergence?
    public let energyDriftA: EnergyDrift
    public let energyDriftB: EnergyDrift

    /// B left A's trajectories by more than the tolerance: CI should fail.
    public var regressed: Bool { firstDivergence != nil }

    /// Compares simulation `a` with simulation `b` at every recorded step
    /// both have, streaming both files' states in (step, particle) order.
    public init(_ a: RunReader, _ b: RunReader, tolerance: Tolerance = .exact) throws {
        try RunReader.require(.simulation, a, b)
        self.a = a.run.id
        self.b = b.run.id
        self.tolerance = tolerance
        settings = settingChanges(a.run, b.run)
        (particles, energyDriftA, energyDriftB, steps, firstDivergence) = try a.snapshot {
            try b.snapshot {
                let count = try a.simulation.particleCount, countB = try b.simulation.particleCount
                guard count == countB else {
                    throw CompareError(
                        .incomparable,
                        """
                        \(a.name(besides: a.location)) has \(count) particles and \
                        \(b.name(besides: a.location)) has \(countB): trajectories compare only between the same particles
                        """)
                }
                let (steps, divergence) = try Self.compareStates(a, b, tolerance)
                return (
                    count, EnergyDrift(try a.simulation.frames()), EnergyDrift(try b.simulation.frames()), steps,
                    divergence
                )
            }
        }
    }

    /// Walks both runs' states in (step, particle) order, comparing the
    /// steps both recorded.
    private static func compareStates(
        _ a: RunReader, _ b: RunReader, _ tolerance: Tolerance
    ) throws
        -> ([Step], Divergence?)
    {
        var left = try a.simulation.states(), right = try b.simulation.states()
        var steps: [Step] = [], divergence: Divergence?
        var l = try left.next(), r = try right.next()
        while let x = l, let y = r {
            if x.step < y.step { l = try left.next(); continue }
            if y.step < x.step { r = try right.next(); continue }
            let step = x.step
            var maxP = 0.0, sumP = 0.0, maxV = 0.0, sumV = 0.0, n = 0.0
            while let x = l, let y = r, x.step == step, y.step == step {
                guard x.particle == y.particle else {
                    throw CompareError(
                        .incomparable, "step \(step): particle \(x.particle) in A meets particle \(y.particle) in B")
                }
                let dp = length(x.position - y.position), dv = length(x.velocity - y.velocity)
                maxP = max(maxP, dp); sumP += dp * dp
                maxV = max(maxV, dv); sumV += dv * dv
                n += 1
                if divergence == nil {
                    let allowedP = tolerance.limit(from: length(x.position)),
                        allowedV = tolerance.limit(from: length(x.velocity))
                    if dp > allowedP {
                        divergence = Divergence(
                            step: step, particle: x.particle, quantity: "position", difference: dp,
                            allowed: allowedP)
                    } else if dv > allowedV {
                        divergence = Divergence(
                            step: step, particle: x.particle, quantity: "velocity", difference: dv,
                            allowed: allowedV)
                    }
                }
                l = try left.next(); r = try right.next()
            }
            steps.append(
                Step(
                    step: step, maxPosition: maxP, rmsPosition: (sumP / max(n, 1)).squareRoot(),
                    maxVelocity: maxV, rmsVelocity: (sumV / max(n, 1)).squareRoot()))
            // A step one run recorded only partly (a run still being written) ends here.
            while let x = l, x.step == step { l = try left.next() }
            while let y = r, y.step == step { r = try right.next() }
        }
        return (steps, divergence)
    }
}

private func length(_ p: SIMD3<Double>) -> Double { (p * p).sum().squareRoot() }
