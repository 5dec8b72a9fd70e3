public import LogbookStore

/// Why two runs cannot be compared, or one cannot be shown.
public struct CompareError: LogbookError, Sendable {
    /// What went wrong; extensible, matched with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        /// No run with that id in that file.
        public static let runNotFound = Code("run not found")
        /// A crawl was compared with a simulation.
        public static let kindMismatch = Code("kind mismatch")
        /// Runs of the same kind that still cannot be compared (different particle counts).
        public static let incomparable = Code("incomparable")
        /// An option that makes no sense (a negative tolerance, an unknown particle).
        public static let options = Code("options")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    /// Every comparison error names runs or options the user chose.
    public var category: ErrorCategory { .usage }
}
