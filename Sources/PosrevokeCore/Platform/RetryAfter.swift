public import Foundation

/// A platform's `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Outside input, so it is bounded.
public enum RetryAfter {
    /// The longest wait a platform can ask for; a longer one is cut to this, so a bad header cannot park a job.
    public static let maximum: Duration = .seconds(3600)

    /// The wait `value` asks for, counted from `now`: nil when the header is absent or malformed, zero for a date
    /// already past, at most `maximum`.
    public static func parse(_ value: String?, now: Date) -> Duration? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let limit = Int(maximum.components.seconds)
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Many digits overflow Int: that is "very long", not "absent".
            return .seconds(Int(text).map { min($0, limit) } ?? limit)
        }
        // A date is about 29 bytes; anything much longer is not one.
        guard text.utf8.count <= 64, let date = httpDate(text) else { return nil }
        let seconds = date.timeIntervalSince(now)
        guard seconds > 0 else { return .zero }
        return .seconds(min(seconds.rounded(.up), Double(limit)))
    }

    /// The three forms RFC 9110 §5.6.7 says a recipient must read: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Strict
    /// parse strategies, not `DateFormatter`, which leaks on this platform; the whole header must be the date.
    private static func httpDate(_ text: String) -> Date? {
        for strategy in dateForms {
            let range = text.startIndex..<text.endIndex
            if let match = try? strategy.consuming(text, startingAt: text.startIndex, in: range),
                match.upperBound == text.endIndex
            {
                return match.output
            }
        }
        return nil
    }

    private static let dateForms: [Date.ParseStrategy] = {
        let posix = Locale(identifier: "en_US_POSIX")
        let gmt = TimeZone.gmt
        let hour = Date.FormatStyle.Symbol.VerbatimHour.twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)
        return [
            Date.ParseStrategy(
                format:
                    "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .padded(4)) \(hour: hour):\(minute: .twoDigits):\(second: .twoDigits) GMT",
                locale: posix,
                timeZone: gmt,
                isLenient: false
            ),
            Date.ParseStrategy(
                format:
                    "\(weekday: .wide), \(day: .twoDigits)-\(month: .abbreviated)-\(year: .twoDigits) \(hour: hour):\(minute: .twoDigits):\(second: .twoDigits) GMT",
                locale: posix,
                timeZone: gmt,
                isLenient: false
            ),
            Date.ParseStrategy(
                format:
                    "\(weekday: .abbreviated) \(month: .abbreviated) \(day: .defaultDigits) \(hour: hour):\(minute: .twoDigits):\(second: .twoDigits) \(year: .defaultDigits)",
                locale: posix,
                timeZone: gmt,
                isLenient: false
            ),
        ]
    }()
}
