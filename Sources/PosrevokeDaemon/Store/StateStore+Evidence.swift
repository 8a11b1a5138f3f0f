import Foundation
import GRDB
import PosrevokeCore

/// The payment platform's evidence: which days' trade bills were read, and what bills and callbacks found.
extension StateStore {
    /// What the store knows of each day's bill.
    func billRecords() throws -> [String: BillSchedule.Record] {
        try read { db in
            var records: [String: BillSchedule.Record] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM trade_bill") {
                let date: String = row["bill_date"]
                let last: Double? = row["last_attempt"]
                records[date] = BillSchedule.Record(
                    date: date,
                    read: row["read"],
                    attempts: row["attempts"],
                    lastAttempt: last.map { Date(timeIntervalSince1970: $0) },
                    lastError: row["last_error"]
                )
            }
            return records
        }
    }

    /// Counts a failed attempt at a day's bill.
    static func noteBillFailure(_ date: String, error: String, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO trade_bill (bill_date, attempts, last_attempt, last_error) VALUES (?, 1, ?, ?)
                ON CONFLICT(bill_date) DO UPDATE SET attempts = attempts + 1, last_attempt = excluded.last_attempt,
                    last_error = excluded.last_error
                """,
            arguments: [date, now.timeIntervalSince1970, String(error.prefix(500))]
        )
    }

    /// Marks a day's bill read and stores what it found. Returns false, storing nothing, when it was read already.
    static func saveBillRead(
        _ date: String,
        rows: Int,
        malformed: Int,
        sightings: [EvidenceSighting],
        at now: Date,
        _ db: Database
    ) throws -> Bool {
        let read = try Bool.fetchOne(db, sql: "SELECT read FROM trade_bill WHERE bill_date = ?", arguments: [date])
        guard read != true else { return false }
        try db.execute(
            sql: """
                INSERT INTO trade_bill (bill_date, read, attempts, last_attempt, rows, sightings, malformed, read_at)
                VALUES (?, 1, 1, ?, ?, ?, ?, ?)
                ON CONFLICT(bill_date) DO UPDATE SET read = 1, attempts = attempts + 1,
                    last_attempt = excluded.last_attempt, last_error = NULL, rows = excluded.rows,
                    sightings = excluded.sightings, malformed = excluded.malformed, read_at = excluded.read_at
                """,
            arguments: [date, now.timeIntervalSince1970, rows, sightings.count, malformed, now.timeIntervalSince1970]
        )
        for sighting in sightings { try insert(sighting, billDate: date, at: now, db) }
        return true
    }

    static func insert(_ sighting: EvidenceSighting, billDate: String = "", at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO platform_sighting
                    (source, provider, reference, bill_date, scope, subject, store, time, detail, open, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """,
            arguments: [
                sighting.source.rawValue, sighting.provider.rawValue, sighting.reference, billDate,
                sighting.scope.rawValue, sighting.subject, sighting.store, sighting.time.timeIntervalSince1970,
                sighting.detail, now.timeIntervalSince1970,
            ]
        )
    }

    /// The bill evidence that counts now: the newest bill read, and its sightings.
    static func currentBillSightings(_ db: Database) throws -> (date: String?, sightings: [EvidenceSighting]) {
        guard let newest = try String.fetchOne(db, sql: "SELECT max(bill_date) FROM trade_bill WHERE read = 1")
        else { return (nil, []) }
        return (newest, try sightings(db, where: "source = 'platform-bill' AND bill_date = ?", arguments: [newest]))
    }

    static func sightings(
        _ db: Database,
        where condition: String,
        arguments: StatementArguments = []
    ) throws
        -> [EvidenceSighting]
    {
        try Row.fetchAll(db, sql: "SELECT * FROM platform_sighting WHERE \(condition)", arguments: arguments)
            .compactMap { row in
                guard let source = EvidenceSource(rawValue: row["source"]),
                    let provider = CreditProvider(rawValue: row["provider"]),
                    let scope = AlertScope(rawValue: row["scope"])
                else { return nil }
                return EvidenceSighting(
                    source: source,
                    provider: provider,
                    scope: scope,
                    subject: row["subject"],
                    store: row["store"],
                    reference: row["reference"],
                    time: Date(timeIntervalSince1970: row["time"]),
                    detail: row["detail"]
                )
            }
    }
}

/// Pay Score callbacks: notifications handled, and authorizations closed.
extension StateStore {
    /// Records a notification id; false when it was recorded before (a duplicate delivery).
    static func insertCallback(id: String, event: String, at now: Date, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO platform_callback (id, event_type, received_at) VALUES (?, ?, ?)",
            arguments: [id, event, now.timeIntervalSince1970]
        )
        return db.changesCount > 0
    }

    static func closeCallbackSighting(reference: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE platform_sighting SET open = 0 WHERE source = 'platform-callback' AND reference = ?",
            arguments: [reference]
        )
    }

    /// The store an imported authorization belongs to.
    func authorizationStore(provider: CreditProvider, kind: String, value: String) throws -> String? {
        try read { db in
            try String.fetchOne(
                db,
                sql: "SELECT store FROM user_authorization WHERE provider = ? AND kind = ? AND value = ?",
                arguments: [provider.rawValue, kind, value]
            )
        }
    }
}

extension StateStore {
    /// At most this many reported orders are matched against one bill.
    static let maxReportedOrders = 500_000

    /// The terminal that reported the transaction `id` for `provider`, or nil when none did (or more than one did,
    /// and the number cannot say which).
    func reportingTerminal(transaction id: String, provider: CreditProvider) throws -> String? {
        try read { db in
            let terminals = try String.fetchAll(
                db,
                sql: "SELECT DISTINCT terminal_id FROM txn WHERE id = ? AND provider = ? LIMIT 2",
                arguments: [id, provider.rawValue]
            )
            return terminals.count == 1 ? terminals.first : nil
        }
    }

    /// Transactions the terminals reported for `provider`, received in the interval: order number → terminal.
    func reportedTransactions(
        provider: CreditProvider,
        receivedFrom start: Date,
        until end: Date
    ) throws
        -> [String: String]
    {
        try read { db in
            var orders: [String: String] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, terminal_id FROM txn WHERE received_at >= ? AND received_at < ? AND provider = ?
                    LIMIT ?
                    """,
                arguments: [
                    start.timeIntervalSince1970, end.timeIntervalSince1970, provider.rawValue, Self.maxReportedOrders,
                ]
            )
            while let row = try rows.next() { orders[row["id"]] = row["terminal_id"] }
            return orders
        }
    }
}
