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
