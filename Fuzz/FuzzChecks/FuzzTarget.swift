/// The parts of logbook that read untrusted bytes, each with the properties
/// that must hold for any input. `make fuzz` drives them with libFuzzer; the
/// regression tests replay every input kept in `Fuzz/regressions/<name>/`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// HTML bytes → links (`LinkExtractor.extract`).
    case linkExtractor = "link-extractor"
    /// A base URL, a newline, then a reference → resolved, normalised URL.
    case urlResolver = "url-resolver"
    /// A robots.txt, a NUL byte, then paths one a line → allowed or not.
    case robotsRules = "robots-rules"
    /// A particle CSV file → particles or an input error.
    case particlesCSV = "particles-csv"
    /// SQL run through a read-only connection, as `logbook query` runs it.
    case readOnlyQuery = "read-only-query"

    /// Throws a `PropertyViolation` when a property does not hold; a crash
    /// or a hang in the code under test is the other way to fail.
    public func check(_ input: [UInt8]) throws {
        switch self {
        case .linkExtractor: try LinkExtractorCheck.check(input)
        case .urlResolver: try URLResolverCheck.check(input)
        case .robotsRules: try RobotsRulesCheck.check(input)
        case .particlesCSV: try ParticlesCSVCheck.check(input)
        case .readOnlyQuery: try ReadOnlyQueryCheck.check(input)
        }
    }
}

/// A property that a fuzz input broke, with what was seen.
public struct PropertyViolation: Error, CustomStringConvertible, Sendable {
    public let target: FuzzTarget
    public let message: String

    public var description: String { "\(target.rawValue): \(message)" }
}
