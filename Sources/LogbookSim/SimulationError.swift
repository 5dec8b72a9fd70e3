public import LogbookStore

/// Why a simulation could not start or go on, in words that name the step,
/// particle, line, column or option at fault.
public struct SimulationError: LogbookError, Sendable {
    public struct Code: Hashable, Sendable {
        let name: String
        /// A position or velocity became infinite or NaN.
        public static let nonFinite = Code(name: "non-finite")
        /// Two particles at one position with no softening.
        public static let coincident = Code(name: "coincident")
        /// The input CSV is malformed.
        public static let input = Code(name: "input")
        /// An option is out of range (`--dt 0`, `--workers 0`, …).
        public static let options = Code(name: "options")
        /// A worker process died or broke the ring protocol.
        public static let worker = Code(name: "worker")
        /// The run cannot be resumed.
        public static let resume = Code(name: "resume")
    }

    public let code: Code
    public let message: String
    /// The step at fault, for non-finite and coincident failures.
    public let step: Int?

    public init(_ code: Code, _ message: String, step: Int? = nil) {
        self.code = code
        self.message = message
        self.step = step
    }

    public var description: String { message }
    /// A bad option or input file is the user's; the rest is the run's.
    public var category: ErrorCategory { [.options, .input].contains(code) ? .usage : .failure }

    static func nonFinite(step: Int, particle: Int) -> SimulationError {
        SimulationError(
            .nonFinite, "step \(step): particle \(particle) got a non-finite position, velocity or acceleration",
            step: step)
    }

    static func nonFiniteTotals(step: Int, _ quantities: [String]) -> SimulationError {
        let named =
            quantities.dropLast().joined(separator: ", ") + (quantities.count > 1 ? " and " : "")
            + (quantities.last ?? "")
        return SimulationError(
            .nonFinite,
            """
            step \(step): the \(named) \(quantities.count == 1 ? "is" : "are") not finite: masses, velocities, \
            distances or --G beyond what a Double holds
            """, step: step)
    }

    static func coincident(step: Int, particles: (Int, Int)) -> SimulationError {
        SimulationError(
            .coincident,
            """
            step \(step): particles \(particles.0) and \(particles.1) are at the same position and --softening is 0, \
            so the force between them is infinite; use a softening above 0
            """, step: step)
    }
}
