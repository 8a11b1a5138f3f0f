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
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
    }

    /// Everything the daemon reloads at start-up.
    package struct Snapshot {
        package var cursors: [String: Int64] = [:]
        package var feedbackCursors: [String: Int64] = [:]
        package var detectors: [String: TerminalDetector] = [:]
        package var alerts: [AlertKey: AlertRecord] = [:]
        package var outbox: [(id: Int64, announcement: Announcement)] = []
        package var acks: Set<String> = []
        package var silences: [Silence] = []
    }

    package func loadSnapshot() throws -> Snapshot {
        try pool.read { db in
            var snapshot = Snapshot()
            for row in try Row.fetchAll(db, sql: "SELECT terminal_id, next_after FROM cursor") {
                snapshot.cursors[row["terminal_id"]] = row["next_after"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT terminal_id, next_after FROM feedback_cursor") {
                snapshot.feedbackCursors[row["terminal_id"]] = row["next_after"]
            }
            let decoder = JSONDecoder()
            for row in try Row.fetchAll(db, sql: "SELECT terminal_id, state FROM detector") {
                let data: Data = row["state"]
                snapshot.detectors[row["terminal_id"]] = try decoder.decode(TerminalDetector.self, from: data)
            }
            for row in try Row.fetchAll(db, sql: "SELECT record FROM alert") {
                let record = try decoder.decode(AlertRecord.self, from: row["record"] as Data)
                snapshot.alerts[record.key] = record
            }
            snapshot.acks = Set(try String.fetchAll(db, sql: "SELECT key FROM ack"))
            snapshot.silences = try Row.fetchAll(db, sql: "SELECT * FROM silence ORDER BY id").map {
                var silence = Silence(
                    matcher: $0["matcher"],
                    until: Date(timeIntervalSince1970: $0["until"]),
                    comment: $0["comment"]
                )
                silence.id = $0["id"]
                silence.createdAt = Date(timeIntervalSince1970: $0["created_at"])
                silence.createdBy = $0["created_by"]
                return silence
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, announcement FROM outbox ORDER BY id") {
                let announcement = try decoder.decode(Announcement.self, from: row["announcement"] as Data)
                snapshot.outbox.append((row["id"], announcement))
            }
            return snapshot
        }
    }

    package func write<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.write(work)
    }

    package func read<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.read(work)
    }

    private static var migrator: DatabaseMigrator {
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
        migrator.registerMigration("v4-silence-by") { db in
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
