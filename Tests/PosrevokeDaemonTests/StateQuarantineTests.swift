import Foundation
import GRDB
import PosrevokeCore
import PosrevokeDaemon
import Testing

/// Rows the daemon cannot read, a file that is not a database, and backups under unsafe names, on real files.
@Suite("Damaged state on a real SQLite file")
struct StateQuarantineTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(_ terminal: String) -> Job {
        Job(
            plan: "p",
            terminal: terminal,
            store: "s-1",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: JobStep.pipeline(.cancel, vendorConfirmation: false),
            now: now
        )
    }

    @Test("undecodable rows move to the quarantine table, once; every good row still loads")
    func quarantine() throws {
        let dir = try TestDirectory()
        let store = try StateStore(directory: dir.path)
        try store.write { db in
            try StateStore.saveCursor("t-1", nextAfter: 42, at: now, db)
            try db.execute(sql: "INSERT INTO cursor (terminal_id, next_after, updated_at) VALUES ('t-2', 'x', 0)")
            try StateStore.saveDetector("t-1", TerminalDetector(), db)
            try db.execute(
                sql: "INSERT INTO detector (terminal_id, state) VALUES ('t-2', ?)",
                arguments: [Data("[]".utf8)]
            )
            try db.execute(
                sql: "INSERT INTO alert VALUES ('k', 'lingering-credit-pay', 't-3', '-', 's', 1, ?, 0)",
                arguments: [Data("{}".utf8)]
            )
            try db.execute(sql: "INSERT INTO outbox (announcement) VALUES (?)", arguments: [Data("null".utf8)])
            try StateStore.saveJob(job("t-1"), db)
            try db.execute(
                sql: "INSERT INTO job VALUES ('p/t-2/wechat-payscore', 'p', 't-2', 'wechat-payscore', 'ready', ?, 0)",
                arguments: [Data("{\"id\": 5}".utf8)]
            )
        }
        let snapshot = try store.loadSnapshot()
        #expect(snapshot.cursors == ["t-1": 42])
        #expect(Array(snapshot.detectors.keys) == ["t-1"])
        #expect(snapshot.alerts.isEmpty && snapshot.outboxCount == 0)
        let moved = snapshot.quarantined.map { "\($0.table)/\($0.key)" }.sorted()
        #expect(moved == ["alert/k", "cursor/t-2", "detector/t-2", "outbox/1"])
        #expect(snapshot.quarantined.allSatisfy { !$0.error.isEmpty })
        let plans = try store.loadPlans()
        #expect(plans.jobs.map(\.terminal) == ["t-1"])
        #expect(plans.quarantined.map { "\($0.table)/\($0.key)" } == ["job/p/t-2/wechat-payscore"])

        // Moved, not copied: the next start finds nothing to quarantine, and the quarantine table keeps them all.
        let reopened = try StateStore(directory: dir.path)
        #expect(try reopened.loadSnapshot().quarantined.isEmpty)
        #expect(try reopened.loadPlans().quarantined.isEmpty)
        let kept = try reopened.read { try Row.fetchAll($0, sql: "SELECT source, data FROM quarantine ORDER BY id") }
        #expect(kept.count == 5)
        #expect(kept.first { ($0["source"] as String) == "detector" }.map { $0["data"] as Data } == Data("[]".utf8))
    }

    @Test("a file that is not a database is refused with an error that names it and says what to do")
    func corruptFile() throws {
        let dir = try TestDirectory()
        let path = dir.file("state.sqlite")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: path))
        do {
            _ = try StateStore(directory: dir.path)
            Issue.record("a garbage file opened as a state database")
        } catch {
            let text = "\(error)"
            #expect(text.contains("the state database \(path) is damaged"), "\(text)")
            #expect(text.contains("move \(path)"), "\(text)")
        }
    }

    @Test("a backup under a plan or terminal id that is not a safe file name is refused and writes nothing")
    func unsafeBackupNames() throws {
        let dir = try TestDirectory()
        let backups = Backups(stateDirectory: dir.path)
        for (plan, terminal) in [("..", "t-1"), ("p", "../../escape"), (".", "t-1"), ("p", "a\u{0}b"), ("", "t-1")] {
            #expect(throws: BackupError.self) {
                try backups.write(plan: plan, terminal: terminal, transactions: [], now: now)
            }
            #expect(throws: BackupError.self) { try backups.verify(plan: plan, terminal: terminal) }
        }
        let written = FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []
        #expect(written.filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".json") }.isEmpty, "\(written)")
        #expect(try backups.write(plan: "p", terminal: "t-1", transactions: [], now: now).transactions == 0)
    }
}
