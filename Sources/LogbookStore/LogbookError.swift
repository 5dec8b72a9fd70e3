/// An error logbook throws on purpose, in words a user can act on. Its
/// `category` is all the CLI needs to choose an exit code, so a new error
/// type needs no new case there.
public protocol LogbookError: Error, CustomStringConvertible {
    var category: ErrorCategory { get }
}

/// Whose move it is after an error.
public enum ErrorCategory: Sendable {
    /// The request was wrong (a flag, a file, a query, a run): exit 2.
    case usage
    /// The request was fine and the work failed (I/O, a corrupt file, a
    /// simulation gone non-finite): exit 3.
    case failure
}
