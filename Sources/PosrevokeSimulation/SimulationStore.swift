package import Foundation
package import GRDB

/// Durable memory of the simulated world outside the daemon: the payment platform's orders, applications and
/// bindings, and what commands did to the terminals. A real platform and real terminals remember these across a
/// daemon crash; so must the simulators, or crash tests would prove nothing.
package final class SimulationStore: Sendable {
    package let db: DatabaseQueue

    /// A file-backed store (`synchronous=FULL`), or an in-memory one when `path` is nil.
    package init(path: String?) throws {
        if let path {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            db = try DatabaseQueue(path: path, configuration: configuration)
            try db.writeWithoutTransaction {
                try $0.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
            }
        } else {
            db = try DatabaseQueue()
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE orders (
                        out_order_no TEXT PRIMARY KEY NOT NULL, terminal TEXT NOT NULL, provider TEXT NOT NULL,
                        state TEXT NOT NULL, debit_until REAL, cancel_reason TEXT
                    );
                    CREATE TABLE seeded (terminal TEXT NOT NULL, provider TEXT NOT NULL, PRIMARY KEY (terminal, provider));
                    CREATE TABLE applications (
                        id TEXT PRIMARY KEY NOT NULL, request_key TEXT NOT NULL UNIQUE, terminal TEXT NOT NULL,
                        provider TEXT NOT NULL, submitted_at REAL NOT NULL, outcome TEXT NOT NULL, reason TEXT
                    );
                    CREATE TABLE bindings (
                        terminal TEXT NOT NULL, provider TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (terminal, provider)
                    );
                    CREATE TABLE effects (
                        terminal TEXT NOT NULL, provider TEXT NOT NULL, operation TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (terminal, provider, operation)
                    );
                    CREATE TABLE terminal_methods (
                        terminal TEXT NOT NULL, provider TEXT NOT NULL, enabled INTEGER NOT NULL, changed_at REAL NOT NULL,
                        PRIMARY KEY (terminal, provider)
                    );
                    CREATE TABLE notices (id TEXT PRIMARY KEY NOT NULL, terminal TEXT NOT NULL, text TEXT NOT NULL, shown_at REAL NOT NULL);
                    CREATE TABLE updates (
                        id TEXT PRIMARY KEY NOT NULL, terminal TEXT NOT NULL, providers TEXT NOT NULL, created_at REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value REAL NOT NULL)")
        }
        migrator.registerMigration("v3-calls") { db in
            try db.execute(
                sql: """
                    CREATE TABLE calls (
                        terminal TEXT NOT NULL, provider TEXT NOT NULL, operation TEXT NOT NULL,
                        parameters TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (terminal, provider, operation, parameters)
                    )
                    """
            )
        }
        migrator.registerMigration("v4-user-authorizations") { db in
            // The users' authorizations the real-platform simulators keep: WeChat Pay Score codes and openids,
            // Alipay agreements, each AVAILABLE/NORMAL until terminated.
            try db.execute(
                sql: """
                    CREATE TABLE user_authorizations (
                        provider TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, product_code TEXT NOT NULL,
                        sign_scene TEXT NOT NULL, store TEXT NOT NULL, active INTEGER NOT NULL,
                        PRIMARY KEY (provider, kind, value)
                    )
                    """
            )
        }
        try migrator.migrate(db)
    }

    /// When the simulated fleet first started, recorded the first time it is asked. The fleet's traffic is a function
    /// of its seed and start, so a restarted daemon meets the same terminals with the same logs, as it would meet
    /// real ones, instead of a fleet that starts numbering its transactions from 1 again.
    package func fleetStart(orRecord now: Date) throws -> Date {
        try db.write { db in
            if let value = try Double.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fleet_start'") {
                return Date(timeIntervalSince1970: value)
            }
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('fleet_start', ?)",
                arguments: [now.timeIntervalSince1970]
            )
            return now
        }
    }

    /// Counts one effective operation (a state change the outside world would see).
    package static func countEffect(_ db: Database, terminal: String, provider: String, operation: String) throws {
        try db.execute(
            sql: """
                INSERT INTO effects (terminal, provider, operation, count) VALUES (?, ?, ?, 1)
                ON CONFLICT(terminal, provider, operation) DO UPDATE SET count = count + 1
                """,
            arguments: [terminal, provider, operation]
        )
    }

    /// Counts one call that reached the world, whether or not it changed anything: with `effects`, a test tells a
    /// repeated call (a replay after a crash, a retry after a lost answer) from a repeated effect. `parameters` is
    /// what makes the call what it is: its idempotency key, or the values it carries.
    package static func countCall(
        _ db: Database,
        terminal: String,
        provider: String,
        operation: String,
        parameters: String
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO calls (terminal, provider, operation, parameters, count) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT(terminal, provider, operation, parameters) DO UPDATE SET count = count + 1
                """,
            arguments: [terminal, provider, operation, parameters]
        )
    }

    /// Calls so far: `[terminal/provider/operation: [parameters: count]]`.
    package func calls() throws -> [String: [String: Int]] {
        try db.read { db in
            var result: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM calls") {
                let key = "\(row["terminal"] as String)/\(row["provider"] as String)/\(row["operation"] as String)"
                result[key, default: [:]][row["parameters"] as String] = row["count"]
            }
            return result
        }
    }

    /// Effective operations so far: `[terminal/provider/operation: count]`.
    package func effects() throws -> [String: Int] {
        try db.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM effects") {
                result["\(row["terminal"] as String)/\(row["provider"] as String)/\(row["operation"] as String)"] =
                    row["count"]
            }
            return result
        }
    }
}
