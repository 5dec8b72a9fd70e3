import ArgumentParser

/// A number a flag can hold. Every numeric flag is declared with the range it
/// allows (`@Option(help: "Worker threads.", allowed: 1...1024) var workers = 8`)
/// and parsing refuses anything outside it — nan, infinities, negatives, a
/// timeout that rounds to 0 ms or overflows — as bad usage naming the flag and
/// the range, so no command checks or converts its numbers again.
protocol BoundedNumber: Comparable, LosslessStringConvertible, Sendable {
    /// What `range` allows, in words: "a whole number from 1 to 1024".
    static func describe(_ range: ClosedRange<Self>) -> String
}

extension BoundedNumber where Self: FixedWidthInteger {
    static func describe(_ range: ClosedRange<Self>) -> String {
        range.upperBound == .max
            ? "a whole number, \(range.lowerBound) or more"
            : "a whole number from \(range.lowerBound) to \(range.upperBound)"
    }
}

extension Int: BoundedNumber {}
extension UInt64: BoundedNumber {}

extension Double: BoundedNumber {
    static func describe(_ range: ClosedRange<Double>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (.leastNonzeroMagnitude, .greatestFiniteMagnitude): "a finite number greater than 0"
        case (let lower, .greatestFiniteMagnitude): "a finite number, \(lower.formatted) or more"
        case (let lower, let upper): "a number from \(lower.formatted) to \(upper.formatted)"
        }
    }

    private var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

extension ClosedRange<Double> {
    /// Finite and greater than 0, such as a time step.
    static let positive = Double.leastNonzeroMagnitude ... .greatestFiniteMagnitude
    /// Finite and 0 or more, such as a tolerance.
    static let nonNegative = 0...Double.greatestFiniteMagnitude
}

/// Why a flag's value was refused; ArgumentParser puts it after
/// "The value '-1' is invalid for '--steps <steps>': ".
struct OutOfRange: Error, CustomStringConvertible {
    let description: String
}

extension ClosedRange where Bound: BoundedNumber {
    /// The value of `text`, or an error saying what is allowed. NaN is in no
    /// range, and infinities are beyond every finite bound.
    func parse(_ text: String) throws -> Bound {
        guard let value = Bound(text), contains(value) else {
            throw OutOfRange(description: "must be \(Bound.describe(self))")
        }
        return value
    }
}

extension Option where Value: BoundedNumber {
    /// A numeric flag with a default. Its value is read even when it starts
    /// with "-", so `--steps -1` is refused for being negative, not reported
    /// as a missing value.
    init(wrappedValue: Value, name: NameSpecification = .long, help: ArgumentHelp? = nil, allowed: ClosedRange<Value>) {
        self.init(
            wrappedValue: wrappedValue, name: name, parsing: .unconditional,
            help: help?.saying(Value.describe(allowed) + "; default: \(wrappedValue)"), transform: allowed.parse)
    }
}

extension Option {
    /// A numeric flag without a default (nil when not given).
    init<Number: BoundedNumber>(
        name: NameSpecification = .long, help: ArgumentHelp? = nil, allowed: ClosedRange<Number>
    )
    where Value == Number? {
        self.init(
            name: name, parsing: .unconditional, help: help?.saying(Number.describe(allowed)), transform: allowed.parse)
    }
}

private extension ArgumentHelp {
    /// The help with `note` in parentheses after it, as ArgumentParser shows defaults.
    func saying(_ note: String) -> ArgumentHelp {
        var help = self
        help.abstract += " (\(note))"
        return help
    }
}
