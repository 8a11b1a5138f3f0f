public import Foundation

/// Where a stored feedback entry came from.
public enum FeedbackOrigin: String, Sendable, Codable, CaseIterable {
    /// Pulled from a terminal's feedback log.
    case terminal
    /// Entered by an operator with `posrevokectl feedback add`.
    case operator_ = "operator"
    /// Imported from a survey export.
    case survey
}

/// One piece of feedback as the daemon keeps it, whatever its origin.
///
/// `uid` is the dedup key: `terminal:<terminal>:<id>` for terminal entries, a content hash for survey rows,
/// a fresh id for operator entries. The comment is kept as given and never written to the journal.
public struct FeedbackRecord: Sendable, Codable, Equatable {
    public var uid: String
    public var origin: FeedbackOrigin
    public var terminal: String?
    public var store: String
    public var provider: String?
    public var source: FeedbackSource
    public var rating: Int
    public var category: String
    public var comment: String
    public var time: Date

    public init(
        uid: String,
        origin: FeedbackOrigin,
        terminal: String?,
        store: String,
        provider: String?,
        source: FeedbackSource,
        rating: Int,
        category: String,
        comment: String,
        time: Date
    ) {
        self.uid = uid
        self.origin = origin
        self.terminal = terminal
        self.store = store
        self.provider = provider
        self.source = source
        self.rating = rating
        self.category = category
        self.comment = comment
        self.time = time
    }

    /// A terminal's entry, keyed so the same id from another terminal is a different entry.
    public init(_ entry: FeedbackEntry, terminal: Terminal) {
        let cancelled = terminal.providers.filter { $0.value.state == .cancelled }.keys.sorted()
        self.init(
            uid: "terminal:\(terminal.id):\(entry.id)",
            origin: .terminal,
            terminal: terminal.id,
            store: terminal.store,
            provider: cancelled.count == 1 ? cancelled[0].rawValue : nil,
            source: entry.source,
            rating: entry.rating,
            category: entry.category,
            comment: entry.comment,
            time: entry.time
        )
    }
}

/// Where an entry falls relative to the cutover of its terminal (for store-level entries, its store's first).
public struct CutoverPosition: Sendable, Codable, Equatable {
    /// True once the cutover has passed; entries without any cutover count as before (the baseline).
    public var after: Bool
    /// Whole days since the cutover (negative before it), nil without a cutover.
    public var days: Int?

    public init(time: Date, cutover: Date?) {
        guard let cutover else {
            self.after = false
            self.days = nil
            return
        }
        self.after = time >= cutover
        let days = (time.timeIntervalSince(cutover) / 86400).rounded(.down)
        self.days = abs(days) < 1e15 ? Int(days) : nil
    }

    public var phase: String { after ? "after" : "before" }
}
