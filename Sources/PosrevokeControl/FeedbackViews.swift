public import PosrevokeCore

/// The answer to `feedback import`: what was stored, what was already there, and the rows refused.
public struct FeedbackImportResult: Sendable, Codable, Equatable {
    public var file: String
    /// False when bad rows stopped an all-or-nothing import: nothing was stored.
    public var applied: Bool
    public var imported: Int
    /// Rows stored by an earlier import (or repeated in this file).
    public var duplicates: Int
    public var errors: [FeedbackRowError]

    public init(file: String, applied: Bool, imported: Int, duplicates: Int, errors: [FeedbackRowError]) {
        self.file = file
        self.applied = applied
        self.imported = imported
        self.duplicates = duplicates
        self.errors = errors
    }
}

/// One digest the daemon wrote to the journal.
public struct DigestView: Sendable, Codable, Equatable {
    public var plan: String
    public var day: String
    public var message: String
    public var fields: [String: String]

    public init(plan: String, day: String, message: String, fields: [String: String]) {
        self.plan = plan
        self.day = day
        self.message = message
        self.fields = fields
    }
}
