public import Foundation

/// When each day's trade bill is fetched: after it is ready (`bills.time` the next day, in the merchant's time zone),
/// again every `retry_interval` while it cannot be had or checked, for the last `catch_up_days` days; a bill read
/// once is never read again. Pure: the daemon feeds it what its store says and the time.
public struct BillSchedule: Sendable {
    public let config: BillsSection
    private let calendar: Calendar

    public init(config: BillsSection) {
        self.config = config
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        self.calendar = calendar
    }

    /// What the store knows of one day's bill.
    public struct Record: Sendable, Equatable, Codable {
        public var date: String
        public var read: Bool
        public var attempts: Int
        public var lastAttempt: Date?
        public var lastError: String?

        public init(
            date: String,
            read: Bool = false,
            attempts: Int = 0,
            lastAttempt: Date? = nil,
            lastError: String? = nil
        ) {
            self.date = date
            self.read = read
            self.attempts = attempts
            self.lastAttempt = lastAttempt
            self.lastError = lastError
        }
    }

    /// `yyyy-MM-dd` of the day before `now`'s day in the merchant's time zone.
    public func yesterday(_ now: Date) -> String {
        let today = calendar.startOfDay(for: now)
        return Self.format(calendar.date(byAdding: .day, value: -1, to: today) ?? today, calendar)
    }

    /// When the bill of `date` is ready, or nil when `date` is not `yyyy-MM-dd`.
    public func readyAt(_ date: String) -> Date? {
        guard let day = day(date), let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
        return calendar.date(byAdding: .minute, value: config.timeOfDay, to: next)
    }

    /// The start of `date` in the merchant's time zone, when it is a real `yyyy-MM-dd` day.
    public func day(_ date: String) -> Date? {
        let parts = date.split(separator: "-")
        guard date.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day),
            let start = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            Self.format(start, calendar) == date
        else { return nil }
        return start
    }

    /// The days whose bills are fetched now or later: the last `catch_up_days` up to yesterday, oldest first.
    public func window(_ now: Date) -> [String] {
        let today = calendar.startOfDay(for: now)
        return (1...max(1, config.catchUpDays)).reversed().compactMap { back in
            calendar.date(byAdding: .day, value: -back, to: today).map { Self.format($0, calendar) }
        }
    }

    /// The oldest day in the window whose bill is ready, not read, and not tried within `retry_interval`.
    public func due(now: Date, records: [String: Record]) -> String? {
        window(now).first { date in
            guard let ready = readyAt(date), ready <= now else { return false }
            guard let record = records[date] else { return true }
            if record.read { return false }
            guard let last = record.lastAttempt else { return true }
            return now.timeIntervalSince(last) >= config.retryInterval.seconds
        }
    }

    /// Days in the window whose bill is not read `late_after` past its ready time.
    public func late(now: Date, records: [String: Record]) -> [String] {
        window(now).filter { date in
            guard let ready = readyAt(date), records[date]?.read != true else { return false }
            return now.timeIntervalSince(ready) >= config.lateAfter.seconds
        }
    }

    /// The `trade-bill-missing` condition of the merchant: active while a day's bill is late.
    public func missingCondition(
        now: Date,
        records: [String: Record],
        merchantID: String,
        provider: CreditProvider
    ) -> Condition {
        let late = late(now: now, records: records)
        let key = AlertKey(
            kind: .tradeBillMissing,
            terminal: AlertScope.merchant.prefix + merchantID,
            provider: provider.rawValue
        )
        guard let newest = late.last else {
            return Condition(key: key, active: false, summary: "every trade bill due was read")
        }
        let error = records[newest]?.lastError ?? "not tried yet"
        return Condition(
            key: key,
            active: true,
            evidence: [
                "BILL_DATES": late.joined(separator: " "),
                "BILL_ATTEMPTS": String(records[newest]?.attempts ?? 0),
                "BILL_ERROR": String(error.prefix(300)),
            ],
            summary:
                "the trade bill of \(late.joined(separator: ", ")) could not be read \(DurationText.format(config.lateAfter)) "
                + "after it was due (\(records[newest]?.attempts ?? 0) attempts; last: \(String(error.prefix(300)))); "
                + "the platform's evidence for \(late.count == 1 ? "that day" : "those days") is missing"
        )
    }

    static func format(_ date: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let pad = { (value: Int, width: Int) in
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year ?? 0, 4))-\(pad(parts.month ?? 0, 2))-\(pad(parts.day ?? 0, 2))"
    }
}
