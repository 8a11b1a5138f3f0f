import Foundation
import GRDB
import PosrevokeCore
import Testing

/// journald going away while alerts fire: nothing is lost, nothing is written twice, polling goes on.
@Suite(
    "journald outages",
    .serialized,
    .enabled(if: PrivateJournal.isAvailable, "needs root, unshare and systemd-journald")
)
struct JournaldOutageTests {
    static let offline = (1...4).map { "t-\($0)" }

    /// Six terminals; t-1…t-4 stop answering 6 s after start, for 5 s: each fires terminal-unreachable and resolves.
    func config(_ dir: TestDirectory) throws -> String {
        let windows = Self.offline.map { "      - {terminal: \($0), after: 6s, for: 5s}" }.joined(separator: "\n")
        return try dir.write(
            "posrevoke.yaml",
            TestConfig.yaml(
                terminals: (1...6).map { "t-\($0)" },
                sections:
                    "daemon: {status_interval: 1s}\ndetection: {terminal_unreachable: {consecutive_failures: 1}}",
                scenario: "    offline:\n" + windows
            )
        )
    }

    /// Each terminal's terminal-unreachable transitions in the order written (coalesced ones included, summaries not).
    static func transitions(_ entries: [[String: String]]) -> [String: [String]] {
        entries.filter {
            $0["POSREVOKE_ALERT"] == "terminal-unreachable" && $0["MESSAGE_ID"] != MessageID.alertSummary
        }.reduce(into: [:]) { $0[$1["TERMINAL_ID"] ?? "?", default: []].append($1["ALERT_STATE"] ?? "?") }
    }

    /// Every transition exactly once: per terminal the states alternate firing, resolved, … and end resolved; a lost
    /// entry shows as two of a kind in a row, a duplicate likewise.
    static func checkExactlyOnce(_ entries: [[String: String]], log: String) {
        let seen = transitions(entries)
        #expect(Set(seen.keys) == Set(offline), "terminals with transitions: \(seen.keys.sorted())")
        for terminal in offline {
            let states = seen[terminal] ?? []
            let alternating = states.enumerated().allSatisfy { $1 == ($0 % 2 == 0 ? "firing" : "resolved") }
            #expect(!states.isEmpty && alternating && states.last == "resolved", "\(terminal): \(states)")
        }
        let keys = entries.filter { $0["POSREVOKE_ALERT"] != nil && $0["MESSAGE_ID"] != MessageID.alertSummary }
            .map {
                "\($0["ALERT_KEY"] ?? "")|\($0["ALERT_STATE"] ?? "")|\($0["ALERT_SINCE"] ?? "")|\($0["ALERT_REPEAT"] ?? "")"
            }
        #expect(Set(keys).count == keys.count, "an alert entry was written twice")
    }

    static func held(_ message: String) -> Int {
        guard
            let range = message.range(
                of: #"refuses entries \(.*\): (\d+) alert entries held"#,
                options: .regularExpression
            )
        else { return 0 }
        let text = message[range]
        let number = text.split(separator: ":").last?.split(separator: " ").first
        return number.flatMap { Int($0) } ?? 0
    }

    func outboxCount(_ state: String) throws -> Int {
        let db = try DatabaseQueue(path: state + "/state.sqlite")
        return try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox") ?? -1 }
    }

    @Test("journald stopped while alerts fire: held in the outbox, shown in STATUS, written exactly once when back")
    func stoppedAndRestarted() throws {
        let dir = try TestDirectory()
        let config = try config(dir)
        let listener = try NotifyListener(directory: dir)
        let journal = PrivateJournal(directory: dir)
        let daemon = try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--log-target", "journal", "--control-socket",
                dir.file("control.sock"),
            ],
            environment: ["NOTIFY_SOCKET": listener.path],
            journal: journal,
            log: dir.file("daemon.log")
        )
        #expect(listener.wait(timeout: 20) { $0.contains("READY=1") } != nil, "log:\n\(daemon.log)")
        daemon.journald(running: false)
        let mark = listener.messages.count
        // Every transition happens while journald is down: 4 firings and 4 resolutions wait in the outbox.
        let allHeld = listener.wait(from: mark, timeout: 40) { Self.held($0) >= 8 }
        #expect(allHeld != nil, "STATUS never showed the held entries; log:\n\(daemon.log)")
        let statusDuringOutage = listener.messages[mark...].filter { $0.text.contains("STATUS=polling 6 terminals") }
        #expect(statusDuringOutage.count >= 5, "the loop stopped publishing status while journald was down")
        #expect(try outboxCount(dir.file("state")) >= 8)
        // posrevokectl status counts them too, with journald's reason.
        let status = try Ctl.run(["status"], socket: dir.file("control.sock"))
        let line = status.stdout.split(separator: "\n").first { $0.contains("alert entries to write") } ?? ""
        let count = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        #expect(count >= 8 && line.contains("journald refuses them"), "\(status.stdout)\(status.stderr)")

        daemon.journald(running: true)
        let written = eventually(timeout: 30, interval: 0.5) {
            Self.transitions(journal.liveEntries(daemonPID: daemon.pid)).values.map(\.count).reduce(0, +) >= 8
        }
        #expect(written, "held entries were not written after journald came back; log:\n\(daemon.log)")
        Thread.sleep(forTimeInterval: 2)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 20) == 0)
        Self.checkExactlyOnce(try journal.entries(), log: daemon.log)
        #expect(try outboxCount(dir.file("state")) == 0, "written entries are still in the outbox")
    }

    @Test("a daemon restart while journald is down loses nothing and writes nothing twice")
    func restartWhileDown() throws {
        let dir = try TestDirectory()
        let config = try config(dir)
        let state = dir.file("state")
        let listener = try NotifyListener(directory: dir)
        let journal = PrivateJournal(directory: dir)
        // The shell runs the daemon, then runs it again on the same state once the first one stopped.
        let daemon = try DaemonProcess(
            arguments: ["--config", config, "--state-dir", state, "--log-target", "journal"],
            environment: ["NOTIFY_SOCKET": listener.path],
            journal: journal,
            log: dir.file("daemon.log"),
            command: ["/bin/sh", "-c", #""$0" "$@"; "$0" "$@""#, DaemonProcess.binary]
        )
        #expect(listener.wait(timeout: 20) { $0.contains("READY=1") } != nil, "log:\n\(daemon.log)")
        let first = try #require(daemon.childPID())
        daemon.journald(running: false)
        var mark = listener.messages.count
        #expect(listener.wait(from: mark, timeout: 30) { Self.held($0) >= 4 } != nil, "log:\n\(daemon.log)")
        // Marked before the signal: the second daemon may be ready before the test sees its PID.
        mark = listener.messages.count
        kill(first, SIGTERM)
        #expect(eventually(timeout: 20) { daemon.childPID().map { $0 != first } ?? false }, "no second daemon")
        let ready = listener.wait(from: mark, timeout: 20) { $0.contains("READY=1") }
        #expect(ready != nil, "log:\n\(daemon.log)")
        mark = ready?.index ?? listener.messages.count
        #expect(try outboxCount(state) >= 4, "the first daemon's unwritten entries are gone")
        // The second daemon sees the terminals come back, still without journald: 4 firings and 4 resolutions held.
        #expect(listener.wait(from: mark, timeout: 40) { Self.held($0) >= 8 } != nil, "log:\n\(daemon.log)")

        daemon.journald(running: true)
        let written = eventually(timeout: 30, interval: 0.5) {
            (try? outboxCount(state)) == 0
        }
        #expect(written, "held entries were not written after journald came back; log:\n\(daemon.log)")
        Thread.sleep(forTimeInterval: 1)
        if let second = daemon.childPID() { kill(second, SIGTERM) }
        #expect(daemon.waitForExit(timeout: 20) == 0)
        Self.checkExactlyOnce(try journal.entries(), log: daemon.log)
    }
}
