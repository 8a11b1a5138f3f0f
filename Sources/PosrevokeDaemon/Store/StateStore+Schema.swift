package import GRDB

/// The schema, one migration per change; a database is never rebuilt, only migrated forward.
extension StateStore {
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
        migrator.registerMigration("v6-user-authorizations") { db in
            // The users' credit-pay authorizations at each store, as imported: what confirm-unbind ends.
            try db.execute(
                sql: """
                    CREATE TABLE user_authorization (
                        provider TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        value TEXT NOT NULL,
                        product_code TEXT NOT NULL DEFAULT '',
                        sign_scene TEXT NOT NULL DEFAULT '',
                        store TEXT NOT NULL,
                        imported_at REAL NOT NULL,
                        PRIMARY KEY (provider, kind, value)
                    );
                    CREATE INDEX user_authorization_store ON user_authorization(store, provider);
                    """
            )
        }
        migrator.registerMigration("v7-platform-evidence") { db in
            // One row per day's trade bill: tried, failed, or read (never read twice).
            // One row per thing the platform says happened after a cutover, from a bill or a callback.
            try db.execute(
                sql: """
                    CREATE TABLE trade_bill (
                        bill_date TEXT PRIMARY KEY,
                        read INTEGER NOT NULL DEFAULT 0,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_attempt REAL,
                        last_error TEXT,
                        rows INTEGER NOT NULL DEFAULT 0,
                        sightings INTEGER NOT NULL DEFAULT 0,
                        malformed INTEGER NOT NULL DEFAULT 0,
                        read_at REAL
                    );
                    CREATE TABLE platform_sighting (
                        source TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        reference TEXT NOT NULL,
                        bill_date TEXT NOT NULL DEFAULT '',
                        scope TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        store TEXT NOT NULL,
                        time REAL NOT NULL,
                        detail TEXT NOT NULL,
                        open INTEGER NOT NULL DEFAULT 1,
                        received_at REAL NOT NULL,
                        PRIMARY KEY (source, provider, reference, bill_date)
                    );
                    CREATE TABLE platform_callback (
                        id TEXT PRIMARY KEY,
                        event_type TEXT NOT NULL,
                        received_at REAL NOT NULL
                    );
                    """
            )
        }
        // A Pay Score callback names its `out_request_no`; the terminal that reported it is found by id alone.
        migrator.registerMigration("v8-txn-id") { db in
            try db.execute(sql: "CREATE INDEX txn_id ON txn(id)")
        }
        return migrator
    }
}
