import Foundation

/// Parses and prints the human durations used in the config file: `500ms`, `30s`, `5m`, `2h`, `7d`.
public enum DurationText {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
    ]

    /// 100 years in milliseconds: the longest duration accepted.
    static let longest = 100 * 365.25 * 86400 * 1000.0

    /// Returns `nil` for anything that is not a non-negative number followed by one known unit.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite, number.first != "+" else { return nil }
            let milliseconds = (value * unit.seconds * 1000).rounded()
            // Nothing the daemon schedules is meant to be longer than a century; beyond it, arithmetic overflows.
            guard milliseconds <= Self.longest else { return nil }
            return .milliseconds(Int64(milliseconds))
        }
        return nil
    }

    /// Prints a duration in the largest unit that divides it exactly.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        for unit in units.reversed() {
            let unitMs = Int64(unit.seconds * 1000)
            if ms != 0, ms % unitMs == 0 { return "\(ms / unitMs)\(unit.suffix)" }
        }
        return "\(ms)ms"
    }
}

extension Duration {
    /// Whole milliseconds, truncated.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, truncated; large enough for any interval the daemon schedules.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a floating-point number, for arithmetic with `Date`.
    public var seconds: Double { Double(milliseconds) / 1000 }
}
