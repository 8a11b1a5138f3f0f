public import Foundation

/// The daily digest of one plan: yesterday's feedback by category and store, and its trend against the baseline.
public struct FeedbackDigest: Sendable, Equatable {
    public var message: String
    /// Journal fields (no comments: only counts, categories and ratings).
    public var fields: [String: String]

    /// - Parameters:
    ///   - entries: the plan's entries of `day`.
    ///   - baseline: the plan's stores before their cutover, for the trend.
    public static func build(
        plan: String,
        day: String,
        entries: [FeedbackRecord],
        baseline: FeedbackTally,
        config: FeedbackSection
    ) -> FeedbackDigest {
        var tally = FeedbackTally()
        var categories: [String: Int] = [:]
        var stores: [String: FeedbackTally] = [:]
        var ratingSum = 0
        // Only ratings of 1…5 are counted, so the sum cannot overflow whatever a stored row holds.
        for entry in entries where FeedbackLimits.isValidRating(entry.rating) {
            let negative = config.isNegative(rating: entry.rating, category: entry.category)
            tally.add(negative: negative)
            categories[entry.category, default: 0] += 1
            stores[entry.store, default: FeedbackTally()].add(negative: negative)
            ratingSum += entry.rating
        }
        let baselineShare = baseline.count == 0 ? nil : baseline.share
        let trend: String
        if tally.count == 0 {
            trend = "unknown"
        } else if let baselineShare, tally.share > baselineShare + 0.05 {
            trend = "worse"
        } else if let baselineShare, tally.share < baselineShare - 0.05 {
            trend = "better"
        } else if baselineShare == nil {
            trend = "unknown"
        } else {
            trend = "steady"
        }
        let categoryText = categories.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let storeText = stores.sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }
            .map { "\($0.key)=\($0.value.count)/\($0.value.negative)" }.joined(separator: " ")
        let worst = stores.filter { $0.value.negative > 0 }
            .max { ($0.value.share, $1.key) < ($1.value.share, $0.key) }?.key
        let percent = { (value: Double) in String(format: "%.1f%%", value * 100) }
        var message = "feedback digest for plan \(plan), \(day): \(tally.count) entries, \(tally.negative) negative"
        if tally.count > 0 { message += " (\(percent(tally.share)))" }
        if let baselineShare { message += ", baseline \(percent(baselineShare)), \(trend)" }
        if !categoryText.isEmpty { message += "; by category: \(categoryText)" }
        var fields = [
            JournalField.planID: plan,
            "DIGEST_DAY": day,
            "FEEDBACK_COUNT": String(tally.count),
            "NEGATIVE_COUNT": String(tally.negative),
            "NEGATIVE_SHARE": String(format: "%.4f", tally.share),
            "BASELINE_SHARE": baselineShare.map { String(format: "%.4f", $0) } ?? "",
            "BASELINE_SAMPLE_SIZE": String(baseline.count),
            "TREND": trend,
            "CATEGORY_COUNTS": categoryText,
            "STORE_COUNTS": storeText,
            "AVERAGE_RATING": tally.count == 0 ? "" : String(format: "%.2f", Double(ratingSum) / Double(tally.count)),
        ]
        if let worst { fields["WORST_STORE"] = worst }
        return FeedbackDigest(message: message, fields: fields.filter { !$0.value.isEmpty })
    }
}

/// When the daily digest is due: once per local day, at `at`, about the day before.
public struct DigestSchedule: Sendable {
    public var calendar: Calendar
    public var minuteOfDay: Int

    public init(config: DigestConfig) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.zone
        self.calendar = calendar
        self.minuteOfDay = PlanConfig.WindowConfig.minutes(config.at) ?? 480
    }

    /// The day (`yyyy-MM-dd`) whose digest is due at `now`, or nil before today's digest time.
    /// A daemon that was down for days sends only yesterday's.
    public func dueDay(now: Date) -> String? {
        guard now >= digestTime(on: now) else { return nil }
        return yesterday(of: now)
    }

    /// The local day before the one `now` falls on.
    public func yesterday(of now: Date) -> String {
        let today = calendar.startOfDay(for: now)
        return label(calendar.date(byAdding: .day, value: -1, to: today) ?? today.addingTimeInterval(-86400))
    }

    /// The next moment a digest falls due after `now`.
    public func nextDue(after now: Date) -> Date {
        let at = digestTime(on: now)
        if at > now { return at }
        let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now)) ?? now
        return digestTime(on: tomorrow)
    }

    /// `at` on the local day of `date`, by the wall clock (so a daylight-saving change does not move it).
    private func digestTime(on date: Date) -> Date {
        calendar.date(bySettingHour: minuteOfDay / 60, minute: minuteOfDay % 60, second: 0, of: date)
            ?? calendar.startOfDay(for: date).addingTimeInterval(Double(minuteOfDay) * 60)
    }

    /// `[start, end)` of a `yyyy-MM-dd` day in the digest's time zone.
    public func interval(of day: String) -> DateInterval? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3,
            DateComponents(year: parts[0], month: parts[1], day: parts[2]).isValidDate(in: calendar),
            let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            let end = calendar.date(byAdding: .day, value: 1, to: start)
        else { return nil }
        return DateInterval(start: start, end: end)
    }

    public func label(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
