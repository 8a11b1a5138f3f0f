import Foundation
import GRDB
import PosrevokeCore
import PosrevokeDaemon
import Testing

@Suite("State store on a real SQLite file")
struct StateStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func tx(_ seq: Int64, terminal: String = "t-1") -> Transaction {
        Transaction(
            seq: seq,
            id: "\(terminal)-\(seq)",
            time: now,
            method: .card,
            provider: nil,
            amountMinor: 100,
            currency: "CNY",
            outcome: .approved,
            errorCode: nil
        )
    }

    @Test("opens in WAL mode with synchronous=FULL and applies migrations")
    func pragmas() throws {
        let dir = try TestDirectory()
        let store = try StateStore(directory: dir.path)
        let mode = try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let sync = try store.writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(sync == 2)  // FULL
        let tables = try store.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(Set(["cursor", "txn", "detector", "alert", "outbox"]).isSubset(of: Set(tables)))
    }

    @Test("at-least-once delivery is deduplicated by transaction id")
    func dedup() throws {
        let dir = try TestDirectory()
        let store = try StateStore(directory: dir.path)
        let first = try store.write { try StateStore.insertNew([tx(1), tx(2)], terminal: "t-1", receivedAt: now, $0) }
        let second = try store.write { try StateStore.insertNew([tx(2), tx(3)], terminal: "t-1", receivedAt: now, $0) }
        #expect(first.map(\.seq) == [1, 2])
        #expect(second.map(\.seq) == [3])
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM txn") } == 3)
    }

    @Test("cursors, detector memory, alerts and the outbox survive reopening")
    func roundTrip() throws {
        let dir = try TestDirectory()
        var detector = TerminalDetector()
        detector.pollFailed("timeout")
        var record = AlertRecord(key: AlertKey(kind: .terminalUnreachable, terminal: "t-1"), store: "s-1")
        _ = record.machine.observe(active: true, now: now, pendingFor: .zero, repeatInterval: .seconds(60))
        let announcement = Announcement(
            key: record.key,
            phase: .firing,
            store: "s-1",
            since: now,
            at: now,
            summary: "down"
        )
        do {
            let store = try StateStore(directory: dir.path)
            try store.write { db in
                try StateStore.saveCursor("t-1", nextAfter: 42, at: now, db)
                try StateStore.saveDetector("t-1", detector, db)
                try StateStore.saveAlert(record, at: now, db)
                try StateStore.enqueue([announcement, announcement], db)
            }
            let first = try store.read { try Int64.fetchOne($0, sql: "SELECT MIN(id) FROM outbox") }
            try store.write { try StateStore.dequeue([first ?? 0], $0) }
        }
        let reopened = try StateStore(directory: dir.path)
        let snapshot = try reopened.loadSnapshot()
        #expect(snapshot.cursors == ["t-1": 42])
        #expect(snapshot.detectors["t-1"] == detector)
        #expect(snapshot.alerts[record.key] == record)
        #expect(snapshot.outboxCount == 1)
    }

    @Test("retention prunes old transactions only")
    func prune() throws {
        let dir = try TestDirectory()
        let store = try StateStore(directory: dir.path)
        _ = try store.write {
            try StateStore.insertNew([tx(1)], terminal: "t-1", receivedAt: now.addingTimeInterval(-100), $0)
        }
        _ = try store.write { try StateStore.insertNew([tx(2)], terminal: "t-1", receivedAt: now, $0) }
        let removed = try store.write { try StateStore.prune(receivedBefore: now.addingTimeInterval(-50), $0) }
        #expect(removed == 1)
        #expect(try store.read { try String.fetchAll($0, sql: "SELECT id FROM txn") } == ["t-1-2"])
    }

    @Test("a terminal removed from the inventory loses its cursor and detector memory")
    func forget() throws {
        let dir = try TestDirectory()
        let store = try StateStore(directory: dir.path)
        try store.write { db in
            try StateStore.saveCursor("t-1", nextAfter: 5, at: now, db)
            try StateStore.saveDetector("t-1", TerminalDetector(), db)
            try StateStore.forgetTerminal("t-1", db)
        }
        let snapshot = try store.loadSnapshot()
        #expect(snapshot.cursors.isEmpty && snapshot.detectors.isEmpty)
    }

    /// An approved WeChat Pay Score payment after cutover: evidence for `lingering-credit-pay`.
    func lingering(_ id: String, seq: Int64) -> Transaction {
        Transaction(
            seq: seq,
            id: id,
            time: now,
            method: .creditScorePay,
            provider: "wechat-payscore",
            amountMinor: 2350,
            currency: "CNY",
            outcome: .approved,
            errorCode: nil
        )
    }

    func terminal(_ id: String) -> Terminal {
        Terminal(
            id: id,
            store: "s-1",
            pollInterval: .seconds(10),
            providers: [
                .wechatPayscore: ProviderCancellation(state: .cancelled, cutover: now.addingTimeInterval(-3600))
            ]
        )
    }

    @Test("two terminals reporting the same transaction id are both stored and both detected")
    func idsPerTerminal() throws {
        let dir = try TestDirectory()
        let store = try StateStore(directory: dir.path)
        var alerts: [String: Bool] = [:]
        // The path of a commit: insert (deduplicated), feed only what is new to the detector, evaluate.
        for id in ["t-1", "t-2"] {
            let fresh = try store.write {
                try StateStore.insertNew([lingering("42", seq: 1)], terminal: id, receivedAt: now, $0)
            }
            #expect(fresh.count == 1, "\(id)'s transaction 42 is its own, not a duplicate of another terminal's")
            var detector = TerminalDetector()
            detector.ingest(fresh, terminal: terminal(id), observedAt: now)
            let conditions = Rules.evaluate(detector, terminal: terminal(id), config: DetectionSection(), now: now)
            alerts[id] = conditions.contains { $0.key.kind == .lingeringCreditPay && $0.active }
        }
        #expect(alerts == ["t-1": true, "t-2": true])
        // The same terminal delivering it again is still a duplicate.
        let again = try store.write {
            try StateStore.insertNew([lingering("42", seq: 1)], terminal: "t-1", receivedAt: now, $0)
        }
        #expect(again.isEmpty)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM txn") } == 2)
    }

    @Test("a database keyed by transaction id alone is migrated, keeping its rows")
    func migratesTransactionKey() throws {
        let dir = try TestDirectory()
        do {
            let old = try DatabaseQueue(path: dir.file("state.sqlite"))
            try StateStore.migrator.migrate(old, upTo: "v3-feedback")
            _ = try old.write {
                try StateStore.insertNew([lingering("42", seq: 1)], terminal: "t-1", receivedAt: now, $0)
            }
            let refused = try old.write {
                try StateStore.insertNew([lingering("42", seq: 7)], terminal: "t-2", receivedAt: now, $0)
            }
            #expect(refused.isEmpty, "the old key made t-2's transaction a duplicate of t-1's")
        }
        let store = try StateStore(directory: dir.path)
        let rows = try store.read { try Row.fetchAll($0, sql: "SELECT terminal_id, id, seq FROM txn") }
        #expect(rows.map { "\($0["terminal_id"] as String)/\($0["id"] as String)" } == ["t-1/42"])
        let fresh = try store.write {
            try StateStore.insertNew([lingering("42", seq: 7)], terminal: "t-2", receivedAt: now, $0)
        }
        #expect(fresh.count == 1)
        let indexes = try store.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'txn'")
        }
        #expect(Set(indexes).isSuperset(of: ["txn_terminal_time", "txn_received"]))
    }
}
