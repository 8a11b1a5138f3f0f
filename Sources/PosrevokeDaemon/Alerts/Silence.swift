package import Foundation
package import PosrevokeCore

/// Operator-requested quiet: announcements matching `matcher` are not written until `until`.
package struct Silence: Sendable, Codable, Equatable {
    /// The row id, the handle `posrevokectl alerts unsilence` takes (0 until stored).
    package var id: Int64 = 0
    package var matcher: String
    package var until: Date
    package var comment: String
    package var createdAt = Date(timeIntervalSince1970: 0)
    /// The peer that set it: `user (uid N)`.
    package var createdBy = ""

    package init(matcher: String, until: Date, comment: String) {
        self.matcher = matcher
        self.until = until
        self.comment = comment
    }

    /// A matcher is an alert key, an alert kind, a terminal id, or `store:<id>`.
    package func matches(_ key: AlertKey, store: String, at now: Date) -> Bool {
        now < until
            && (matcher == key.description || matcher == key.kind.rawValue
                || (key.scope == .terminal && matcher == key.terminal) || matcher == "store:\(store)")
    }
}
