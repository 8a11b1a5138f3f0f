package import Foundation
package import GRDB
package import PosrevokeCore

/// Feedback rows: inserted with dedup by uid, counted for the `negative-feedback` rule, read for reports.
extension StateStore {
    /// Inserts entries whose uid is new; returns those.
    package static func insertFeedback(
        _ records: [FeedbackRecord],
        receivedAt: Date,
        _ db: Database
    ) throws
        -> [FeedbackRecord]
    {
        try insertNew(
            records,
            sql: """
                INSERT OR IGNORE INTO feedback
                (uid, origin, terminal_id, store_id, provider, source, rating, category, comment, time, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            db
        ) { r in
            [
                r.uid, r.origin.rawValue, r.terminal, r.store, r.provider, r.source.rawValue, r.rating, r.category,
                r.comment, r.time.timeIntervalSince1970, receivedAt.timeIntervalSince1970,
            ]
        }
    }

    package static func saveFeedbackCursor(_ terminal: String, nextAfter: Int64, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO feedback_cursor (terminal_id, next_after, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(terminal_id) DO UPDATE SET next_after = excluded.next_after, updated_at = excluded.updated_at
                """,
            arguments: [terminal, nextAfter, now.timeIntervalSince1970]
        )
    }

    /// Per store: entries in the baseline before each cutover, and entries after it inside the rule's window.
    ///
    /// Each terminal is judged against its own cutover, store-level entries against the store's first. Two
    /// indexed range counts per terminal, so the cost follows the fleet size, not the feedback history.
    ///
    /// - Parameters:
    ///   - terminals: terminal id → (store, cutover) for every terminal with a cutover.
    ///   - stores: store id → its first cutover.
    package func feedbackStats(
        terminals: [String: (store: String, cutover: Date)],
        stores: [String: Date],
        feedback: FeedbackSection,
        rule: NegativeFeedbackRuleConfig,
        now: Date
    ) throws -> [String: StoreFeedbackStats] {
        let categories = feedback.negativeCategories
        let placeholders = categories.isEmpty ? "''" : categories.map { _ in "?" }.joined(separator: ", ")
        let select =
            "SELECT COUNT(*), COALESCE(SUM(rating <= ? OR category IN (\(placeholders))), 0) FROM feedback"
            + " WHERE \(Self.validRating) AND"
        let recentStart = now.addingTimeInterval(-rule.window.seconds)
        return try writer.read { db in
            let byTerminal = try db.cachedStatement(sql: "\(select) terminal_id = ? AND time >= ? AND time < ?")
            let byStore = try db.cachedStatement(
                sql: "\(select) store_id = ? AND terminal_id IS NULL AND time >= ? AND time < ?"
            )
            func tally(_ statement: Statement, _ scope: String, from: Date, until: Date) throws -> FeedbackTally {
                guard from < until else { return FeedbackTally() }
                var arguments: [(any DatabaseValueConvertible)?] = [feedback.negativeRating]
                arguments += categories
                arguments += [scope, from.timeIntervalSince1970, until.timeIntervalSince1970]
                let row = try Row.fetchOne(statement, arguments: StatementArguments(arguments))
                return FeedbackTally(count: row?[0] ?? 0, negative: row?[1] ?? 0)
            }
            func add(
                _ statement: Statement,
                _ scope: String,
                _ cutover: Date,
                to stats: inout StoreFeedbackStats
            ) throws {
                let baseline = try tally(
                    statement,
                    scope,
                    from: cutover.addingTimeInterval(-rule.baselineWindow.seconds),
                    until: cutover
                )
                let recent = try tally(
                    statement,
                    scope,
                    from: max(cutover, recentStart),
                    until: now.addingTimeInterval(1)
                )
                stats.baseline.add(baseline)
                stats.recent.add(recent)
            }
            var stats: [String: StoreFeedbackStats] = [:]
            for (terminal, scope) in terminals {
                try add(byTerminal, terminal, scope.cutover, to: &stats[scope.store, default: StoreFeedbackStats()])
            }
            for (store, cutover) in stores {
                try add(byStore, store, cutover, to: &stats[store, default: StoreFeedbackStats()])
            }
            return stats
        }
    }

    /// Rows the rule, the digest and the report count: a whole rating from 1 to 5. Every way in checks that, but a
    /// database written before the checks may hold other ratings; those rows are left out, never summed.
    static let validRating = "typeof(rating) = 'integer' AND rating BETWEEN 1 AND 5"

    /// Entries in `[from, until)`, optionally only those of some stores; oldest first.
    package func feedback(from: Date?, until: Date? = nil, stores: Set<String>? = nil) throws -> [FeedbackRecord] {
        try writer.read { db in
            var sql = "SELECT * FROM feedback WHERE \(Self.validRating) AND time >= ? AND time < ?"
            var arguments: [(any DatabaseValueConvertible)?] = [
                from?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude,
                until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude,
            ]
            if let stores {
                sql += " AND store_id IN (\(stores.map { _ in "?" }.joined(separator: ", ")))"
                arguments += stores.sorted()
            }
            sql += " ORDER BY time, uid"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.record)
        }
    }

    private static func record(_ row: Row) -> FeedbackRecord {
        FeedbackRecord(
            uid: row["uid"],
            origin: FeedbackOrigin(rawValue: row["origin"]) ?? .terminal,
            terminal: row["terminal_id"],
            store: row["store_id"],
            provider: row["provider"],
            source: FeedbackSource(rawValue: row["source"]) ?? .customer,
            rating: row["rating"],
            category: row["category"],
            comment: row["comment"],
            time: Date(timeIntervalSince1970: row["time"])
        )
    }

    package static func pruneFeedback(before cutoff: Date, _ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM feedback WHERE time < ?", arguments: [cutoff.timeIntervalSince1970])
        return db.changesCount
    }

    package func digestSent(plan: String, day: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM digest_sent WHERE plan = ? AND day = ?",
                arguments: [plan, day]
            ) ?? false
        }
    }

    package static func markDigestSent(plan: String, day: String, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO digest_sent (plan, day, at) VALUES (?, ?, ?)",
            arguments: [plan, day, now.timeIntervalSince1970]
        )
    }
}
