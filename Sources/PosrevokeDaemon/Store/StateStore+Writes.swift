package import Foundation
package import GRDB
package import PosrevokeCore

/// The statements the engine runs inside one write transaction per batch of poll results.
extension StateStore {
    /// Inserts the page's transactions, ignoring ids this terminal already stored (the key is terminal and id, so
    /// another terminal's ids never collide); returns only the new ones.
    package static func insertNew(
        _ transactions: [Transaction],
        terminal: String,
        receivedAt: Date,
        _ db: Database
    ) throws
        -> [Transaction]
    {
        try insertNew(
            transactions,
            sql: """
                INSERT OR IGNORE INTO txn
                (id, terminal_id, seq, time, method, provider, amount_minor, currency, outcome, error_code, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            db
        ) { t in
            [
                t.id, terminal, t.seq, t.time.timeIntervalSince1970, t.method.rawValue, t.provider, t.amountMinor,
                t.currency, t.outcome.rawValue, t.errorCode, receivedAt.timeIntervalSince1970,
            ]
        }
    }

    /// Runs an `INSERT OR IGNORE` per item and returns the items that were actually inserted (at-least-once
    /// delivery: a repeat is ignored by the primary key).
    static func insertNew<Item>(
        _ items: [Item],
        sql: String,
        _ db: Database,
        arguments: (Item) -> StatementArguments
    ) throws -> [Item] {
        let statement = try db.cachedStatement(sql: sql)
        var fresh: [Item] = []
        for item in items {
            try statement.execute(arguments: arguments(item))
            if db.changesCount > 0 { fresh.append(item) }
        }
        return fresh
    }

    package static func saveCursor(_ terminal: String, nextAfter: Int64, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO cursor (terminal_id, next_after, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(terminal_id) DO UPDATE SET next_after = excluded.next_after, updated_at = excluded.updated_at
                """,
            arguments: [terminal, nextAfter, now.timeIntervalSince1970]
        )
    }

    package static func saveDetector(_ terminal: String, _ detector: TerminalDetector, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO detector (terminal_id, state) VALUES (?, ?)",
            arguments: [terminal, try JSONEncoder().encode(detector)]
        )
    }

    package static func saveAlert(_ record: AlertRecord, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO alert (key, kind, terminal_id, provider, store_id, firing, record, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.key.description, record.key.kind.rawValue, record.key.terminal, record.key.provider,
                record.store, record.machine.isFiring, try JSONEncoder().encode(record), now.timeIntervalSince1970,
            ]
        )
    }

    package static func deleteAlert(_ key: AlertKey, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM alert WHERE key = ?", arguments: [key.description])
    }

    /// Forgets a terminal that left the inventory: its cursor and detector memory. Its transactions age out.
    package static func forgetTerminal(_ terminal: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM cursor WHERE terminal_id = ?", arguments: [terminal])
        try db.execute(sql: "DELETE FROM feedback_cursor WHERE terminal_id = ?", arguments: [terminal])
        try db.execute(sql: "DELETE FROM detector WHERE terminal_id = ?", arguments: [terminal])
    }

    /// Queues announcements in the same transaction as the state change that caused them.
    /// The announcer reads them from there and writes them to the journal.
    package static func enqueue(_ announcements: [Announcement], _ db: Database) throws {
        let encoder = JSONEncoder()
        for announcement in announcements {
            try db.execute(
                sql: "INSERT INTO outbox (announcement) VALUES (?)",
                arguments: [try encoder.encode(announcement)]
            )
        }
    }

    /// Deletes outbox rows whose entries the journal writer wrote.
    package static func dequeue(_ ids: [Int64], _ db: Database) throws {
        for id in ids { try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
    }

    /// Deletes transactions received before `cutoff`; returns how many.
    package static func prune(receivedBefore cutoff: Date, _ db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM txn WHERE received_at < ?", arguments: [cutoff.timeIntervalSince1970])
        return db.changesCount
    }
}
