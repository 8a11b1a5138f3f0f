public import Foundation

/// Who left a piece of feedback on a terminal.
public enum FeedbackSource: String, Sendable, Codable {
    case customer
    case cashier
}

/// A rating and comment entered on a terminal, as the terminal-agent protocol delivers it.
public struct FeedbackEntry: Sendable, Hashable, Codable {
    public var seq: Int64
    public var id: String
    public var time: Date
    public var source: FeedbackSource
    /// 1 (bad) to 5 (good).
    public var rating: Int
    public var category: String
    public var comment: String

    public init(
        seq: Int64,
        id: String,
        time: Date,
        source: FeedbackSource,
        rating: Int,
        category: String,
        comment: String
    ) {
        self.seq = seq
        self.id = id
        self.time = time
        self.source = source
        self.rating = rating
        self.category = category
        self.comment = comment
    }
}

/// A slice of a terminal's feedback log after a cursor. Delivery is at-least-once.
public struct FeedbackPage: Sendable, Equatable {
    public var feedback: [FeedbackEntry]
    public var nextAfter: Int64
    /// Entries the agent dated too far ahead of the daemon's clock; their times were clamped to it.
    public var futureTimesClamped = 0

    public init(feedback: [FeedbackEntry], nextAfter: Int64) {
        self.feedback = feedback
        self.nextAfter = nextAfter
    }
}
