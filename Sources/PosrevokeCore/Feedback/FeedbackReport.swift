public import Foundation

/// What `posrevokectl feedback report` shows: counts, ratings before and after cutover, the worst stores, the
/// latest comments, and each store's daily rating for the charts.
public struct FeedbackReport: Sendable, Codable, Equatable {
    /// Ratings and negative share of a set of entries.
    public struct Summary: Sendable, Codable, Equatable {
        public var count = 0
        public var ratingSum = 0
        public var negative = 0
        public init() {}

        public var averageRating: Double? { count == 0 ? nil : Double(ratingSum) / Double(count) }
        public var negativeShare: Double? { count == 0 ? nil : Double(negative) / Double(count) }

        mutating func add(_ record: FeedbackRecord, negative isNegative: Bool) {
            count += 1
            ratingSum += record.rating
            if isNegative { negative += 1 }
        }
    }

    public struct CategoryCount: Sendable, Codable, Equatable {
        public var category: String
        public var before: Int
        public var after: Int
    }

    public struct Store: Sendable, Codable, Equatable {
        public var store: String
        /// The store's first terminal cutover.
        public var cutover: Date?
        public var before: Summary
        public var after: Summary
    }

    public struct Comment: Sendable, Codable, Equatable {
        public var time: Date
        public var terminal: String?
        public var store: String
        public var source: FeedbackSource
        public var origin: FeedbackOrigin
        public var rating: Int
        public var category: String
        public var comment: String
        public var position: CutoverPosition
    }

    /// One store's average rating per day, for the charts.
    public struct Series: Sendable, Codable, Equatable {
        public struct Point: Sendable, Codable, Equatable {
            public var day: Date
            public var averageRating: Double
            public var count: Int
        }
        public var store: String
        public var cutover: Date?
        public var points: [Point]
    }

    public var generatedAt: Date
    /// The zone days are cut in (`feedback.digest.time_zone`), for labelling the charts.
    public var timeZone: String
    public var since: Date?
    public var plan: String?
    public var store: String?
    public var total: Int
    public var categories: [CategoryCount]
    public var before: Summary
    public var after: Summary
    /// Worst first: highest negative share after cutover, then lowest average rating.
    public var stores: [Store]
    /// Newest first.
    public var recent: [Comment]
    public var series: [Series]

    /// Builds the report from already-filtered entries.
    ///
    /// - Parameters:
    ///   - cutover: the cutover an entry is judged against (its terminal's, else its store's first).
    ///   - storeCutover: each store's first cutover, for the charts.
    public static func build(
        _ records: [FeedbackRecord],
        cutover: (FeedbackRecord) -> Date?,
        storeCutover: (String) -> Date?,
        config: FeedbackSection,
        filters: (since: Date?, plan: String?, store: String?),
        recentLimit: Int = 10,
        now: Date
    ) -> FeedbackReport {
        var report = FeedbackReport(
            generatedAt: now,
            timeZone: config.digest.timeZone,
            since: filters.since,
            plan: filters.plan,
            store: filters.store,
            total: records.count,
            categories: [],
            before: Summary(),
            after: Summary(),
            stores: [],
            recent: [],
            series: []
        )
        var categories: [String: (before: Int, after: Int)] = [:]
        var stores: [String: (before: Summary, after: Summary)] = [:]
        var days: [String: [Date: (sum: Int, count: Int)]] = [:]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.digest.zone
        // Only ratings of 1…5 are counted, so no sum can overflow whatever a stored row holds.
        for record in records where FeedbackLimits.isValidRating(record.rating) {
            let position = CutoverPosition(time: record.time, cutover: cutover(record))
            let negative = config.isNegative(rating: record.rating, category: record.category)
            if position.after {
                report.after.add(record, negative: negative)
                categories[record.category, default: (0, 0)].after += 1
                stores[record.store, default: (Summary(), Summary())].after.add(record, negative: negative)
            } else {
                report.before.add(record, negative: negative)
                categories[record.category, default: (0, 0)].before += 1
                stores[record.store, default: (Summary(), Summary())].before.add(record, negative: negative)
            }
            let day = calendar.startOfDay(for: record.time)
            days[record.store, default: [:]][day, default: (0, 0)].sum += record.rating
            days[record.store, default: [:]][day, default: (0, 0)].count += 1
        }
        let order = config.categories + categories.keys.filter { !config.categories.contains($0) }.sorted()
        report.categories = order.compactMap { name in
            categories[name].map { CategoryCount(category: name, before: $0.before, after: $0.after) }
        }
        report.stores = stores.map {
            Store(store: $0.key, cutover: storeCutover($0.key), before: $0.value.before, after: $0.value.after)
        }
        .sorted(by: isWorse)
        report.recent = records.sorted { $0.time > $1.time }.prefix(recentLimit).map { record in
            Comment(
                time: record.time,
                terminal: record.terminal,
                store: record.store,
                source: record.source,
                origin: record.origin,
                rating: record.rating,
                category: record.category,
                comment: record.comment,
                position: CutoverPosition(time: record.time, cutover: cutover(record))
            )
        }
        report.series = days.keys.sorted().map { store in
            let points = days[store, default: [:]].sorted { $0.key < $1.key }.map {
                Series.Point(
                    day: $0.key,
                    averageRating: Double($0.value.sum) / Double($0.value.count),
                    count: $0.value.count
                )
            }
            return Series(store: store, cutover: storeCutover(store), points: points)
        }
        return report
    }

    private static func isWorse(_ a: Store, _ b: Store) -> Bool {
        switch (a.after.negativeShare, b.after.negativeShare) {
        case (nil, nil): return a.store < b.store
        case (nil, _): return false
        case (_, nil): return true
        case (let x?, let y?) where x != y: return x > y
        default: return (a.after.averageRating ?? 5, a.store) < (b.after.averageRating ?? 5, b.store)
        }
    }
}
