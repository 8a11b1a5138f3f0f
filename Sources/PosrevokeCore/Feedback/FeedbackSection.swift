public import Foundation

/// How feedback is collected, judged and summarised (`feedback:` in the config).
public struct FeedbackSection: Sendable, Equatable {
    /// The category taxonomy. Entries must use one of these; `other` is the fallback for an empty category.
    public var categories = ["wants-credit-pay", "payment-failed", "slow-checkout", "notice-unclear", "other"]
    /// Categories that count as negative whatever the rating.
    public var negativeCategories = ["wants-credit-pay", "payment-failed"]
    /// Ratings at or below this count as negative.
    public var negativeRating = 2
    /// How often each terminal is asked for new feedback (at its next poll once this has passed).
    public var pollInterval: Duration = .seconds(300)
    public var pageLimit = 200
    /// How long feedback is kept in the state store.
    public var retention: Duration = .seconds(400 * 86400)
    public var digest = DigestConfig()
    public init() {}

    /// Whether an entry counts as negative for the rule, the digest and the reports.
    public func isNegative(rating: Int, category: String) -> Bool {
        rating <= negativeRating || negativeCategories.contains(category)
    }
}

/// `negative-feedback` (under `detection:`): per store, the post-cutover share of negative entries rises above the pre-cutover one.
public struct NegativeFeedbackRuleConfig: Sendable, Equatable {
    public var enabled = true
    /// Post-cutover entries younger than this are judged.
    public var window: Duration = .seconds(86400)
    /// Pre-cutover entries this far back from each terminal's cutover form the baseline.
    public var baselineWindow: Duration = .seconds(30 * 86400)
    /// Absolute rise of the negative share over the baseline that fires (0.15 = fifteen percentage points).
    public var margin = 0.15
    /// Fewer post-cutover entries than this in the window never fire.
    public var minSample = 20
    /// Pre-cutover entries needed before the store's own baseline replaces `baselineDefault`.
    public var baselineMinSample = 30
    public var baselineDefault = 0.15
    /// How often the rule is evaluated.
    public var evaluateInterval: Duration = .seconds(60)
    public var repeatInterval: Duration = .seconds(4 * 3600)
    public init() {}
}

/// The daily digest: one journal entry per active plan about yesterday's feedback.
public struct DigestConfig: Sendable, Equatable {
    public var enabled = true
    /// Local time of day (`HH:MM`) in `timeZone` at which yesterday's digest is written.
    public var at = "08:00"
    public var timeZone = "UTC"
    public init() {}

    /// The zone of day boundaries and of local times operators type (validated when the config is read).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }
}
