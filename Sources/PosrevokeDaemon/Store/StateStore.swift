import Foundation
package import GRDB
package import PosrevokeCore

/// The daemon's durable memory: poll cursors, recent transactions, detector memory, alerts, and the outbox of
/// announcements not yet written to the journal.
///
/// SQLite in WAL mode with `synchronous=FULL`: once a write returns, it survives `kill -9` and power loss.
package final class StateStore: Sendable {
    /// A `DatabasePool` on the state file in the daemon; any GRDB writer (an in-memory `DatabaseQueue`) in tests.
    package let writer: any DatabaseWriter
    package let path: String

    package init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("state.sqlite")
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "posrevoke.state"
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
            writer = pool
        } catch {
            throw Self.explain(error, path: path)
        }
    }

    /// A store on `writer`, migrated; for tests of the daemon's parts in process.
    package init(writer: any DatabaseWriter, path: String = ":memory:") throws {
        try Self.migrator.migrate(writer)
        self.writer = writer
        self.path = path
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
            return try writer.write { db in try Self.loadSnapshot(db) }
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
        try writer.write(work)
    }

    package func read<T>(_ work: (Database) throws -> T) throws -> T {
        try writer.read(work)
    }
}
