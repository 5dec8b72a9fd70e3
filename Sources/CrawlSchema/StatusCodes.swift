import Foundation

/// The HTTP statuses a crawl counts as ok (`--accept`), written as lychee
/// writes them: codes and inclusive ranges, comma separated
/// (`200..299,403,429`; `200..=299` is the same range). Stored in
/// `runs.config` as that text, its ranges sorted and merged, so a run's
/// rule reads as the user wrote it.
public struct StatusCodes: Hashable, Sendable {
    /// Sorted, disjoint and not adjacent.
    public private(set) var ranges: [ClosedRange<Int>]

    /// What a crawl accepts unless told otherwise: every 2xx (after redirects).
    public static let success = StatusCodes(merging: [200...299])

    /// Codes from 100 to 999: an HTTP status has three digits.
    public static let possible = 100...999

    /// The codes of `text`; a part that is not a code or a range of them,
    /// or a range that is empty or outside `possible`, is named in the error.
    public init(parsing text: String) throws {
        var ranges: [ClosedRange<Int>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = part.trimmingCharacters(in: .whitespaces)
            let bounds = part.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false)
            let upper = bounds.count == 2 && bounds[1].hasPrefix("=") ? bounds[1].dropFirst() : bounds[bounds.count - 1]
            guard let lower = Int(bounds[0]), let upper = Int(upper) else {
                throw InvalidSetting("'\(part)' is not a status code or a range of them such as 200..299")
            }
            guard Self.possible.contains(lower), Self.possible.contains(upper) else {
                throw InvalidSetting("'\(part)': a status code is from 100 to 999")
            }
            guard lower <= upper else { throw InvalidSetting("'\(part)' is an empty range") }
            ranges.append(lower...upper)
        }
        self.init(merging: ranges)
    }

    /// The codes of every set in `sets` (a repeated `--accept`).
    public init(union sets: some Sequence<StatusCodes>) {
        self.init(merging: sets.flatMap(\.ranges))
    }

    private init(merging ranges: [ClosedRange<Int>]) {
        self.ranges = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = self.ranges.last, range.lowerBound <= last.upperBound + 1 {
                self.ranges[self.ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                self.ranges.append(range)
            }
        }
    }

    public func contains(_ status: Int) -> Bool { ranges.contains { $0.contains(status) } }
}

extension StatusCodes: CustomStringConvertible {
    /// `200..299,403`: what `init(parsing:)` reads back.
    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)..\($0.upperBound)" }
            .joined(separator: ",")
    }
}

extension StatusCodes: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A setting's text that does not say what it must (`--accept abc`, a
/// `--remap` rule without a replacement): the message names the part that
/// is wrong, and ArgumentParser puts the flag before it.
public struct InvalidSetting: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
