/// The version recorded with every run and printed by `logbook --version`.
public enum LogbookVersion: Sendable {
    public static let current = "0.1.0"
}
