import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import Testing

/// The agent driver against `posrevoke-sim` over real loopback sockets, with every fault the simulator plays.
@Suite("Agent driver over HTTP", .serialized)
struct AgentDriverTests {
    static func simConfig(_ faults: [(String, String)]) -> String {
        var lines = [
            "simulation:",
            "  seed: 11",
            "  transactions_per_minute: 120",
            "  credit_pay_share: 0.5",
            "  feedback_per_hour: 1800",
            "  scenario:",
            "    missed_update: [t-2]",
            "    still_trying_share: 0",
            "    agent_faults:",
        ]
        lines += faults.map { "      - {terminal: \($0.0), fault: \($0.1), delay: 300ms}" }
        lines.append("terminals:")
        for n in 1...10 {
            lines.append(
                "  - {id: t-\(n), store: s-\(n % 2 + 1), providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let faults = [
        ("t-3", "malformed-json"), ("t-4", "oversized"), ("t-5", "slow-drip"), ("t-6", "seq-backwards"),
        ("t-7", "server-error"), ("t-8", "reset"), ("t-9", "hang"),
    ]

    @Test("healthy terminals stay on schedule while every fault surfaces as the right alert", .timeLimit(.minutes(3)))
    func faults() throws {
        let dir = try TestDirectory()
        try dir.writeSecret("right.token", "s3cret\n")
        try dir.writeSecret("wrong.token", "guess\n")
        let sim = try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", Self.simConfig(Self.faults)), "--token-file",
                dir.file("right.token"), "--inventory-out", dir.file("inventory.yaml"),
            ],
            log: dir.file("sim.log")
        )
        // t-10 presents the wrong token.
        var inventory = try String(contentsOfFile: dir.file("inventory.yaml"), encoding: .utf8)
        inventory = inventory.split(separator: "\n").map { line in
            line.contains("id: t-10,")
                ? line.replacingOccurrences(of: "right.token", with: "wrong.token") : String(line)
        }.joined(separator: "\n")
        try dir.write("inventory.yaml", inventory)
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 2500ms, timeout: 2s}
            detection: {terminal_unreachable: {consecutive_failures: 2}}
            feedback: {poll_interval: 1s}
            terminals_file: inventory.yaml

            """
        )
        let socket = dir.file("control.sock")
        let daemon = try DaemonProcess.console(config: config, in: dir)
        func call<T: Decodable>(_ command: String, as type: T.Type) throws -> T {
            try ControlClient(path: socket).send(ControlRequest(command: command)).decode(type)
        }
        func unreachable() -> [String: String] {
            let alerts = (try? call("alerts.list", as: [AlertView].self)) ?? []
            return Dictionary(
                alerts.filter { $0.kind == "terminal-unreachable" && $0.state == "firing" }.map {
                    ($0.terminal, $0.summary)
                }
            ) { a, _ in a }
        }
        let expected = [
            "t-3": "protocol error: malformed JSON", "t-4": "protocol error: answer larger than 1 MiB",
            "t-5": "no answer within 2s", "t-6": "protocol error: seq went backwards", "t-7": "HTTP 500 SYSTEM_ERROR",
            "t-8": "unreachable", "t-9": "no answer within 2s", "t-10": "HTTP 401 unauthorized",
        ]
        let all = eventually(timeout: 60, interval: 0.5) { Set(unreachable().keys) == Set(expected.keys) }
        let seen = unreachable()
        #expect(all, "unreachable: \(seen); daemon log:\n\(daemon.log.suffix(3000))")
        for (terminal, reason) in expected {
            #expect(seen[terminal]?.contains(reason) == true, "\(terminal): \(seen[terminal] ?? "not firing")")
        }
        #expect(seen["t-10"]?.contains("check token_file") == true)

        // The healthy terminals keep being polled, on time, while the others fail. A poll's timeout is shorter
        // than the interval, so even a hanging terminal never makes its own next poll wait.
        let before = try call("terminals.list", as: [TerminalView].self)
        Thread.sleep(forTimeInterval: 6)
        let after = try call("terminals.list", as: [TerminalView].self)
        for id in ["t-1", "t-2"] {
            let was = before.first { $0.id == id }?.cursor ?? 0
            let now = after.first { $0.id == id }?.cursor ?? 0
            #expect(now > was, "\(id) stopped advancing: \(was) → \(now)")
        }
        let status = try call("status", as: StatusView.self)
        #expect(status.pollsSkipped == 0)
        #expect(status.pollsBackedOff > 0, "the failing terminals are tried less often")
        #expect(status.feedbackStored > 0 && status.feedbackDuplicates == 0)
        let alerts = try call("alerts.list", as: [AlertView].self)
        #expect(alerts.contains { $0.kind == "lingering-credit-pay" && $0.terminal == "t-2" })
        #expect(!alerts.contains { $0.kind == "terminal-unreachable" && ["t-1", "t-2"].contains($0.terminal) })

        // Oversized and dripping bodies are never held whole: the daemon stays small.
        let rss =
            try String(contentsOfFile: "/proc/\(daemon.pid)/status", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("VmRSS:") }.flatMap { Int($0.split(separator: " ")[1]) } ?? .max
        #expect(rss < 150_000, "daemon RSS \(rss) kB")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(sim.stop() == 0, "posrevoke-sim exits cleanly on SIGTERM")

        // Feedback over HTTP: the committed cursor covers exactly what was stored, without gaps.
        let queue = try DatabaseQueue(path: dir.file("state/state.sqlite"))
        let (seqs, cursor) = try queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT uid FROM feedback WHERE terminal_id = 't-1'")
                    .compactMap { Int($0.split(separator: "-").last ?? "") }.sorted(),
                try Int.fetchOne(db, sql: "SELECT next_after FROM feedback_cursor WHERE terminal_id = 't-1'")
            )
        }
        #expect(!seqs.isEmpty && seqs == (0..<seqs.count).map { $0 + 1 } && cursor == seqs.last)
    }
}
