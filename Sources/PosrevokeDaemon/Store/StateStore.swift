package import Foundation
package import GRDB
package import PosrevokeCore

/// The daemon's durable memory: poll cursors, recent transactions, detector memory, alerts, and the outbox of
/// announcements not yet written to the journal.
///
/// SQLite in WAL mode with `synchronous=FULL`: once a write returns, it survives `kill -9` and power loss.
package final class StateStore: Sendable {
    package let pool: DatabasePool
    package let path: String

    package init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("state.sqlite")
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "posrevoke.state"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.explain(error, path: path)
        }
    }

    /// Everything the daemon reloads at start-up.
    package struct Snapshot {
        package var cursors: [String: Int64] = [:]
        package var feedbackCursors: [String: Int64] = [:]
        package var detectors: [String: TerminalDetector] = [:]
        package var alerts: [AlertKey: AlertRecord] = [:]
        /// Announcements committed and not yet written to the journal; the announcer reads them itself.
        package var outboxCount = 0
        package var acks: Set<String> = []
        package var silences: [Silence] = []
        /// Rows that could not be decoded and were moved to the quarantine table; the daemon announces each.
        package var quarantined: [QuarantinedRow] = []
    }

    /// Reads everything the daemon reloads. A row that cannot be decoded is moved to `quarantine` and reported in
    /// `quarantined` instead of failing the load; a damaged file is an error that says what to do.
    package func loadSnapshot() throws -> Snapshot {
        do {
            return try pool.write { db in try Self.loadSnapshot(db) }
        } catch {
            throw Self.explain(error, path: path)
        }
    }

    private static func loadSnapshot(_ db: Database) throws -> Snapshot {
        var snapshot = Snapshot()
        let decoder = JSONDecoder()
        // Apart from `snapshot`: the bodies below change it while a row is being decoded.
        var quarantined: [QuarantinedRow] = []
        func each(_ table: String, key: String, data: String, _ sql: String, _ body: (Row) throws -> Void) throws {
            try eachRow(table, key: key, data: data, sql, quarantined: &quarantined, db, body)
        }
        try each("cursor", key: "terminal_id", data: "next_after", "SELECT rowid AS row_id, * FROM cursor") { row in
            let terminal: String = try column(row, "terminal_id")
            snapshot.cursors[terminal] = try column(row, "next_after")
        }
        try each(
            "feedback_cursor",
            key: "terminal_id",
            data: "next_after",
            "SELECT rowid AS row_id, * FROM feedback_cursor"
        ) { row in
            let terminal: String = try column(row, "terminal_id")
            snapshot.feedbackCursors[terminal] = try column(row, "next_after")
        }
        try each("detector", key: "terminal_id", data: "state", "SELECT rowid AS row_id, * FROM detector") { row in
            let detector = try decoder.decode(TerminalDetector.self, from: try column(row, "state", as: Data.self))
            let terminal: String = try column(row, "terminal_id")
            snapshot.detectors[terminal] = detector
        }
        try each("alert", key: "key", data: "record", "SELECT rowid AS row_id, * FROM alert") { row in
            let record = try decoder.decode(AlertRecord.self, from: try column(row, "record", as: Data.self))
            snapshot.alerts[record.key] = record
        }
        try each("ack", key: "key", data: "key", "SELECT rowid AS row_id, * FROM ack") { row in
            let key: String = try column(row, "key")
            snapshot.acks.insert(key)
        }
        try each("silence", key: "id", data: "matcher", "SELECT rowid AS row_id, * FROM silence ORDER BY id") { row in
            var silence = Silence(
                matcher: try column(row, "matcher"),
                until: Date(timeIntervalSince1970: try column(row, "until")),
                comment: try column(row, "comment")
            )
            silence.id = try column(row, "id")
            silence.createdAt = Date(timeIntervalSince1970: try column(row, "created_at"))
            silence.createdBy = try column(row, "created_by")
            snapshot.silences.append(silence)
        }
        let outbox = "SELECT rowid AS row_id, * FROM outbox ORDER BY id"
        try each("outbox", key: "id", data: "announcement", outbox) { row in
            let data: Data = try column(row, "announcement")
            let id: Int64 = try column(row, "id")
            _ = (id, try decoder.decode(Announcement.self, from: data))
            snapshot.outboxCount += 1
        }
        snapshot.quarantined = quarantined
        return snapshot
    }

    package func write<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.write(work)
    }

    package func read<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.read(work)
    }

    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cursor (
                        terminal_id TEXT PRIMARY KEY NOT NULL,
                        next_after INTEGER NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE TABLE txn (
                        id TEXT PRIMARY KEY NOT NULL,
                        terminal_id TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        time REAL NOT NULL,
                        method TEXT NOT NULL,
                        provider TEXT,
                        amount_minor INTEGER NOT NULL,
                        currency TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        error_code TEXT,
                        received_at REAL NOT NULL
                    );
                    CREATE INDEX txn_terminal_time ON txn(terminal_id, time);
                    CREATE INDEX txn_received ON txn(received_at);
                    CREATE TABLE detector (
                        terminal_id TEXT PRIMARY KEY NOT NULL,
                        state BLOB NOT NULL
                    );
                    CREATE TABLE alert (
                        key TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL,
                        terminal_id TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        store_id TEXT NOT NULL,
                        firing INTEGER NOT NULL,
                        record BLOB NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        announcement BLOB NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v2-jobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE plan (
                        id TEXT PRIMARY KEY NOT NULL,
                        source TEXT NOT NULL,
                        config BLOB NOT NULL,
                        state BLOB NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE TABLE job (
                        id TEXT PRIMARY KEY NOT NULL,
                        plan TEXT NOT NULL,
                        terminal TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        status TEXT NOT NULL,
                        record BLOB NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX job_plan ON job(plan);
                    CREATE TABLE cutover (
                        terminal TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        state TEXT NOT NULL,
                        cutover REAL,
                        job TEXT NOT NULL,
                        PRIMARY KEY (terminal, provider)
                    );
                    CREATE TABLE silence (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        matcher TEXT NOT NULL,
                        until REAL NOT NULL,
                        comment TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE ack (
                        key TEXT PRIMARY KEY NOT NULL,
                        by TEXT NOT NULL,
                        comment TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v3-feedback") { db in
            try db.execute(
                sql: """
                    CREATE TABLE feedback (
                        uid TEXT PRIMARY KEY NOT NULL,
                        origin TEXT NOT NULL,
                        terminal_id TEXT,
                        store_id TEXT NOT NULL,
                        provider TEXT,
                        source TEXT NOT NULL,
                        rating INTEGER NOT NULL,
                        category TEXT NOT NULL,
                        comment TEXT NOT NULL,
                        time REAL NOT NULL,
                        received_at REAL NOT NULL
                    );
                    CREATE INDEX feedback_time ON feedback(time);
                    CREATE INDEX feedback_store_time ON feedback(store_id, time);
                    CREATE INDEX feedback_terminal_time ON feedback(terminal_id, time);
                    CREATE TABLE feedback_cursor (
                        terminal_id TEXT PRIMARY KEY NOT NULL,
                        next_after INTEGER NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE TABLE digest_sent (
                        plan TEXT NOT NULL,
                        day TEXT NOT NULL,
                        at REAL NOT NULL,
                        PRIMARY KEY (plan, day)
                    );
                    """
            )
        }
        // Transaction ids are unique per terminal, not across the fleet: keyed by id alone, one terminal could
        // make another's transactions (its lingering credit-pay included) look like duplicates and go unseen.
        migrator.registerMigration("v4-txn-per-terminal") { db in
            try db.execute(
                sql: """
                    CREATE TABLE txn_per_terminal (
                        id TEXT NOT NULL,
                        terminal_id TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        time REAL NOT NULL,
                        method TEXT NOT NULL,
                        provider TEXT,
                        amount_minor INTEGER NOT NULL,
                        currency TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        error_code TEXT,
                        received_at REAL NOT NULL,
                        PRIMARY KEY (terminal_id, id)
                    );
                    INSERT INTO txn_per_terminal
                        (id, terminal_id, seq, time, method, provider, amount_minor, currency, outcome, error_code,
                         received_at)
                        SELECT id, terminal_id, seq, time, method, provider, amount_minor, currency, outcome,
                               error_code, received_at
                        FROM txn;
                    DROP TABLE txn;
                    ALTER TABLE txn_per_terminal RENAME TO txn;
                    CREATE INDEX txn_terminal_time ON txn(terminal_id, time);
                    CREATE INDEX txn_received ON txn(received_at);
                    """
            )
        }
        migrator.registerMigration("v5-silence-by") { db in
            // Who set a silence, as the control socket's peer credentials say.
            try db.execute(sql: "ALTER TABLE silence ADD COLUMN created_by TEXT NOT NULL DEFAULT ''")
        }
        return migrator
    }
}

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
                || (!key.kind.isPerStore && matcher == key.terminal) || matcher == "store:\(store)")
    }
}
