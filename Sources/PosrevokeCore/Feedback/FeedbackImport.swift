public import Foundation

/// One good row of a survey export, ready for the daemon, which still checks its terminal or store.
public struct FeedbackImportRow: Sendable, Codable, Equatable {
    public var line: Int
    public var uid: String
    public var terminal: String?
    public var store: String?
    public var provider: String?
    public var source: FeedbackSource
    public var rating: Int
    public var category: String
    public var comment: String
    public var time: Date

    public init(
        line: Int,
        uid: String,
        terminal: String?,
        store: String?,
        provider: String?,
        source: FeedbackSource,
        rating: Int,
        category: String,
        comment: String,
        time: Date
    ) {
        self.line = line
        self.uid = uid
        self.terminal = terminal
        self.store = store
        self.provider = provider
        self.source = source
        self.rating = rating
        self.category = category
        self.comment = comment
        self.time = time
    }
}

/// A row that cannot be imported, and why.
public struct FeedbackRowError: Sendable, Codable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// What goes over the control socket for `feedback import`: the parsed rows and the rows already refused.
public struct FeedbackImportRequest: Sendable, Codable, Equatable {
    public var file: String
    public var rows: [FeedbackImportRow]
    public var errors: [FeedbackRowError]
    public var skipBad: Bool

    public init(file: String, rows: [FeedbackImportRow], errors: [FeedbackRowError], skipBad: Bool) {
        self.file = file
        self.rows = rows
        self.errors = errors
        self.skipBad = skipBad
    }
}

/// The bounds every stored feedback entry keeps, checked again by the daemon whatever the client checked: the
/// control socket is a boundary, and posrevokectl is only one of its possible clients.
public enum FeedbackLimits {
    /// 1 (bad) to 5 (good).
    public static let ratings = 1...5
    public static let maxCommentCharacters = 4000
    /// Rows in one `feedback import` (good and bad together); larger exports are imported in parts.
    public static let maxImportRows = 50_000
    /// The uid, terminal, store and file name of an imported row, in bytes.
    public static let maxNameBytes = 256
    /// How far past the daemon's clock a survey answer may be dated (time zones of exports, skewed clocks).
    public static let futureSkew: TimeInterval = 86400
    /// Row errors carry at most this many characters of reason.
    public static let maxReasonCharacters = 500

    public static func isValidRating(_ rating: Int) -> Bool { ratings.contains(rating) }
}

extension FeedbackImportRequest {
    /// Why the import as a whole is refused (too many rows), or nil when its rows may be checked one by one.
    public func refusal() -> String? {
        let total = rows.count + errors.count
        guard total <= FeedbackLimits.maxImportRows else {
            return "the import has \(total) rows; at most \(FeedbackLimits.maxImportRows) are taken at once "
                + "(split the file and import the parts)"
        }
        return nil
    }

    /// The client's own row errors, with their reasons cut to a sane length.
    public var boundedErrors: [FeedbackRowError] {
        errors.map { error in
            guard error.reason.count > FeedbackLimits.maxReasonCharacters else { return error }
            return FeedbackRowError(
                line: error.line,
                reason: String(error.reason.prefix(FeedbackLimits.maxReasonCharacters)) + "…"
            )
        }
    }
}

extension FeedbackImportRow {
    /// The first reason this row may not be stored, whatever the client claims to have checked, or nil when it
    /// may (its terminal or store is checked against the inventory separately).
    public func problem(categories: [String], now: Date) -> String? {
        guard FeedbackLimits.isValidRating(rating) else { return "rating \(rating) is not a whole number from 1 to 5" }
        guard categories.contains(category) else {
            return "unknown category '\(Self.shown(category))' (known: \(categories.joined(separator: ", ")))"
        }
        guard comment.count <= FeedbackLimits.maxCommentCharacters else {
            return "comment is longer than \(FeedbackLimits.maxCommentCharacters) characters"
        }
        guard uid.hasPrefix("survey:"), uid.utf8.count <= FeedbackLimits.maxNameBytes else {
            return "the row's key must start with 'survey:' and be at most \(FeedbackLimits.maxNameBytes) bytes"
        }
        for (name, value) in [("terminal", terminal), ("store", store)] {
            if let value, value.utf8.count > FeedbackLimits.maxNameBytes {
                return "\(name) is longer than \(FeedbackLimits.maxNameBytes) bytes"
            }
        }
        if let provider, CreditProvider(rawValue: provider) == nil {
            let known = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown provider '\(Self.shown(provider))' (known: \(known))"
        }
        let latest = now.addingTimeInterval(FeedbackLimits.futureSkew)
        guard time.timeIntervalSince1970 >= 0, time <= latest else {
            return "time \(time.formatted(.iso8601)) is before 1970 or more than a day after the daemon's clock"
        }
        return nil
    }

    /// A value quoted in an error, cut so a hostile row cannot make the answer huge.
    private static func shown(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }
}
