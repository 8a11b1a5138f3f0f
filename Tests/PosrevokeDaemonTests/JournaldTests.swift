import Foundation
import GRDB
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// The built daemon against a real, private systemd-journald, read back with `journalctl -o json`.
@Suite(
    "Real journald",
    .serialized,
    .enabled(if: PrivateJournal.isAvailable, "needs root, unshare and systemd-journald")
)
struct JournaldTests {
    func start(
        _ dir: TestDirectory,
        config: String,
        state: String? = nil,
        environment: [String: String] = [:]
    )
        throws -> (DaemonProcess, PrivateJournal)
    {
        let journal = PrivateJournal(directory: dir)
        let daemon = try DaemonProcess(
            arguments: ["--config", config, "--state-dir", state ?? dir.file("state"), "--log-target", "journal"],
            environment: environment,
            journal: journal,
            log: dir.file("daemon.log")
        )
        return (daemon, journal)
    }

    func firing(_ entries: [[String: String]], kind: AlertKind) -> [[String: String]] {
        entries.filter {
            $0["POSREVOKE_ALERT"] == kind.rawValue && $0["ALERT_STATE"] == "firing" && $0["ALERT_REPEAT"] == nil
        }
    }

    @Test("a lingering payment becomes one native entry with its fields, and the evidence is in the store")
    func lingeringEntry() throws {
        let dir = try TestDirectory()
        let config = try dir.write(
            "posrevoke.yaml",
            TestConfig.yaml(terminals: ["t-1", "t-2", "t-3"], missed: ["t-2"])
        )
        let (daemon, journal) = try start(dir, config: config)
        let appeared = eventually(timeout: 30, interval: 0.5) {
            !firing(journal.liveEntries(daemonPID: daemon.pid), kind: .lingeringCreditPay).isEmpty
        }
        #expect(appeared, "no lingering alert; log:\n\(daemon.log)")
        Thread.sleep(forTimeInterval: 2)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 20) == 0)
        let entries = try journal.entries()
        let alerts = firing(entries, kind: .lingeringCreditPay)
        #expect(alerts.count == 1, "one alert per key, however many payments: \(alerts.count)")
        let alert = try #require(alerts.first)
        #expect(alert["MESSAGE_ID"] == MessageID.lingeringCreditPay)
        #expect(alert["PRIORITY"] == "2")
        #expect(alert["SYSLOG_IDENTIFIER"] == "posrevoked")
        #expect(alert["TERMINAL_ID"] == "t-2")
        #expect(alert["STORE_ID"] == "s-2")
        #expect(alert["PROVIDER"] == "wechat-payscore")
        #expect(alert["ALERT_KEY"] == "lingering-credit-pay/t-2/wechat-payscore")
        #expect(alert["MESSAGE"]?.hasPrefix("FIRING lingering-credit-pay on t-2 (store s-2)") == true)
        let evidence = try #require(alert["TRANSACTION_ID"])
        let db = try DatabaseQueue(path: dir.file("state/state.sqlite"))
        let row = try db.read { try Row.fetchOne($0, sql: "SELECT * FROM txn WHERE id = ?", arguments: [evidence]) }
        let stored = try #require(row, "evidence \(evidence) is not in the store")
        #expect(stored["terminal_id"] as String == "t-2")
        #expect(stored["method"] as String == "credit-score-pay")
        #expect(stored["outcome"] as String == "approved")
        // Lifecycle entries carry their own ids too.
        #expect(entries.contains { $0["MESSAGE_ID"] == MessageID.daemonReady })
        #expect(entries.contains { $0["MESSAGE_ID"] == MessageID.daemonStopping })
        // Clean terminals never linger.
        #expect(!entries.contains { $0["POSREVOKE_ALERT"] == "lingering-credit-pay" && $0["TERMINAL_ID"] != "t-2" })
    }

    @Test("reload: a good config changes behaviour; a bad one is rejected, logged, and the daemon keeps going")
    func reload() throws {
        let dir = try TestDirectory()
        let config = try dir.write("posrevoke.yaml", TestConfig.yaml(terminals: ["t-1", "t-2"]))
        let listener = try NotifyListener(directory: dir)
        let (daemon, journal) = try start(dir, config: config, environment: ["NOTIFY_SOCKET": listener.path])
        #expect(listener.wait(timeout: 20) { $0.contains("READY=1") } != nil, "log:\n\(daemon.log)")
        Thread.sleep(forTimeInterval: 3)
        #expect(firing(journal.liveEntries(daemonPID: daemon.pid), kind: .lingeringCreditPay).isEmpty)

        // A new, lingering terminal appears in the inventory.
        try dir.write("posrevoke.yaml", TestConfig.yaml(terminals: ["t-1", "t-2", "t-3"], missed: ["t-3"]))
        var mark = listener.messages.count
        daemon.signal(SIGHUP)
        let applied = listener.wait(from: mark, timeout: 10) { $0.hasPrefix("READY=1") }
        #expect(applied?.text.contains("polling 3 terminals · 0 alerts firing · last reload ok") == true)
        let polled = eventually(timeout: 30, interval: 0.5) {
            firing(journal.liveEntries(daemonPID: daemon.pid), kind: .lingeringCreditPay).contains {
                $0["TERMINAL_ID"] == "t-3"
            }
        }
        #expect(polled, "the terminal added by reload was not polled")

        // A typo: rejected, the old config stays, STATUS says why.
        try dir.write(
            "posrevoke.yaml",
            TestConfig.yaml(terminals: ["t-1"]).replacingOccurrences(of: "polling:", with: "poling:")
        )
        mark = listener.messages.count
        daemon.signal(SIGHUP)
        let rejected = listener.wait(from: mark, timeout: 10) { $0.hasPrefix("READY=1") }
        #expect(rejected?.text.contains("STATUS=polling 3 terminals") == true)
        #expect(
            rejected?.text.contains("reload rejected: line 1: poling: unknown key (did you mean 'polling'?)") == true
        )
        Thread.sleep(forTimeInterval: 1)
        #expect(daemon.isRunning)

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 20) == 0)
        let entries = try journal.entries()
        let rejection = try #require(entries.first { $0["MESSAGE_ID"] == MessageID.reloadRejected })
        #expect(rejection["PRIORITY"] == "3")
        #expect(rejection["RELOAD_ERROR"] == "line 1: poling: unknown key (did you mean 'polling'?)")
        #expect(entries.contains { $0["MESSAGE_ID"] == MessageID.reloadApplied })
        // Still polling the three terminals after the rejected reload: t-3 stays the only lingering one.
        #expect(Set(firing(entries, kind: .lingeringCreditPay).compactMap { $0["TERMINAL_ID"] }) == ["t-3"])
    }

    @Test("after kill -9 a restart keeps every transaction and does not re-announce unchanged alerts")
    func restartKeepsState() throws {
        let dir = try TestDirectory()
        let config = try dir.write(
            "posrevoke.yaml",
            TestConfig.yaml(terminals: ["t-1", "t-2", "t-3", "t-4"], missed: ["t-1", "t-3"])
        )
        let state = dir.file("state")
        let firstDir = try TestDirectory("first")
        let (first, firstJournal) = try start(firstDir, config: config, state: state)
        let both = eventually(timeout: 30, interval: 0.5) {
            firing(firstJournal.liveEntries(daemonPID: first.pid), kind: .lingeringCreditPay).count == 2
        }
        #expect(both, "log:\n\(first.log)")
        first.signal(SIGKILL)
        first.waitForExit(timeout: 10)
        let announcedFirst = firing(try firstJournal.entries(), kind: .lingeringCreditPay)

        let secondDir = try TestDirectory("second")
        let (second, secondJournal) = try start(secondDir, config: config, state: state)
        Thread.sleep(forTimeInterval: 6)
        second.signal(SIGTERM)
        #expect(second.waitForExit(timeout: 20) == 0)
        let entries = try secondJournal.entries()
        #expect(announcedFirst.count == 2)
        #expect(firing(entries, kind: .lingeringCreditPay).isEmpty, "unchanged alerts were announced again")
        #expect(!entries.contains { $0["ALERT_STATE"] == "resolved" })

        // No transaction was lost or duplicated across the kill.
        try StoreAudit.storeMatchesTerminalLogs(state: state, config: config, terminals: ["t-1", "t-2", "t-3", "t-4"])
    }

    @Test("2,000 terminals going unreachable together notify as a few summaries, and each is findable on its own")
    func flood() throws {
        let dir = try TestDirectory()
        let ids = (1...2000).map { "t-\($0)" }
        let offline = ids.map { "      - {terminal: \($0), after: 4s}" }.joined(separator: "\n")
        let yaml = TestConfig.yaml(
            terminals: ids,
            interval: "2s",
            sections:
                "detection: {terminal_unreachable: {consecutive_failures: 1}}\nalerts: {burst: 20, rate_per_second: 5, summary_interval: 5s}",
            scenario: "    offline:\n" + offline
        ).replacingOccurrences(of: "transactions_per_minute: 120", with: "transactions_per_minute: 6")
        let config = try dir.write("posrevoke.yaml", yaml)
        let (daemon, journal) = try start(dir, config: config)
        let covered = eventually(timeout: 60, interval: 1) {
            Self.findable(
                journal.liveEntries(daemonPID: daemon.pid, matches: ["POSREVOKE_ALERT=terminal-unreachable"])
            ).count >= 2000
        }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        let entries = try journal.entries().filter { $0["POSREVOKE_ALERT"] == "terminal-unreachable" }
        #expect(covered, "only \(Self.findable(entries).count) of 2000 terminals have their own entry")
        #expect(Self.findable(entries) == Set(ids))
        // What notifies (priority notice or higher) stays a handful; the per-terminal entries are below it.
        let notifying = entries.filter { (Int($0["PRIORITY"] ?? "") ?? 7) <= 5 }
        #expect(notifying.count <= 40, "\(notifying.count) notifying journal lines for one storm")
        #expect(
            notifying.contains {
                $0["MESSAGE_ID"] == MessageID.alertSummary && Int($0["SUPPRESSED_COUNT"] ?? "") ?? 0 > 0
                    && $0["PRIORITY"] == "4"
            }
        )
        let coalesced = entries.filter { $0["ALERT_COALESCED"] == "1" }
        #expect(coalesced.count >= 1900 && coalesced.allSatisfy { $0["PRIORITY"] == "6" })
        let perTerminal = entries.filter { $0["MESSAGE_ID"] != MessageID.alertSummary && $0["ALERT_STATE"] == "firing" }
        #expect(perTerminal.count == 2000, "a terminal's firing entry is missing or doubled: \(perTerminal.count)")
    }

    /// Terminals whose firing terminal-unreachable transition has an entry of its own (single or coalesced).
    static func findable(_ entries: [[String: String]]) -> Set<String> {
        Set(
            entries.filter { $0["ALERT_STATE"] == "firing" && $0["MESSAGE_ID"] != MessageID.alertSummary }
                .compactMap { $0["TERMINAL_ID"] }
        )
    }

    @Test("the demo config alerts lingering-credit-pay for exactly the terminals its scenario made linger")
    func demo() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("config/demo.yaml").path
        let demo = try ConfigParser.load(path: path)
        let expected = SimulatedFleet(simulation: demo.simulation, terminals: demo.terminals, start: Date())
            .lingeringTerminals
        #expect(expected.count >= 5)
        let dir = try TestDirectory()
        let (daemon, journal) = try start(dir, config: path)
        var seen: Set<String> = []
        let complete = eventually(timeout: 150, interval: 2) {
            seen = Set(
                firing(journal.liveEntries(daemonPID: daemon.pid), kind: .lingeringCreditPay).compactMap {
                    $0["TERMINAL_ID"]
                }
            )
            return seen.isSuperset(of: expected)
        }
        #expect(complete, "still missing \(expected.subtracting(seen).sorted())")
        Thread.sleep(forTimeInterval: 6)  // one more poll interval for anything unexpected to show up
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        let entries = try journal.entries()
        let lingering = Set(firing(entries, kind: .lingeringCreditPay).compactMap { $0["TERMINAL_ID"] })
        #expect(lingering == expected)
        #expect(entries.contains { $0["POSREVOKE_ALERT"] == "terminal-unreachable" && $0["TERMINAL_ID"] == "t-0042" })
    }
}
