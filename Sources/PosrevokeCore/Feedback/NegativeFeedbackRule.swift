import Foundation

/// How many entries, and how many of them negative.
public struct FeedbackTally: Sendable, Equatable, Codable {
    public var count = 0
    public var negative = 0

    public init(count: Int = 0, negative: Int = 0) {
        self.count = count
        self.negative = negative
    }

    public var share: Double { count == 0 ? 0 : Double(negative) / Double(count) }

    public mutating func add(negative isNegative: Bool) {
        add(FeedbackTally(count: 1, negative: isNegative ? 1 : 0))
    }

    /// Adds another tally, saturating instead of overflowing.
    public mutating func add(_ other: FeedbackTally) {
        count = Self.saturating(count, other.count)
        negative = Self.saturating(negative, other.negative)
    }

    private static func saturating(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}

/// One store's feedback as the rule sees it: the pre-cutover baseline and the recent post-cutover window.
public struct StoreFeedbackStats: Sendable, Equatable {
    public var baseline = FeedbackTally()
    public var recent = FeedbackTally()

    public init(baseline: FeedbackTally = FeedbackTally(), recent: FeedbackTally = FeedbackTally()) {
        self.baseline = baseline
        self.recent = recent
    }
}

/// `negative-feedback`: people at a store are markedly less happy after the cutover than before it.
///
/// Pure; the daemon counts the entries and feeds the condition through the same alert lifecycle as every rule.
public enum NegativeFeedbackRule {
    /// The condition for one store. The key's terminal field carries the store id.
    public static func evaluate(
        store: String,
        stats: StoreFeedbackStats,
        config: NegativeFeedbackRuleConfig
    ) -> Condition {
        let ownBaseline = stats.baseline.count >= config.baselineMinSample
        let baseline = ownBaseline ? stats.baseline.share : config.baselineDefault
        let recent = stats.recent
        let percent = { (value: Double) in String(format: "%.1f%%", value * 100) }
        return Condition(
            key: AlertKey(kind: .negativeFeedback, terminal: store),
            active: config.enabled && recent.count >= config.minSample && recent.share > baseline + config.margin,
            evidence: [
                "NEGATIVE_SHARE": String(format: "%.4f", recent.share),
                "BASELINE_SHARE": String(format: "%.4f", baseline),
                "BASELINE_SOURCE": ownBaseline ? "store" : "default",
                "SAMPLE_SIZE": String(recent.count),
                "BASELINE_SAMPLE_SIZE": String(stats.baseline.count),
            ],
            summary: "\(recent.negative) of \(recent.count) feedback entries at store \(store) were negative in the "
                + "last \(DurationText.format(config.window)) after cutover (\(percent(recent.share)) against a "
                + "\(percent(baseline)) \(ownBaseline ? "pre-cutover" : "default") baseline)"
        )
    }
}
