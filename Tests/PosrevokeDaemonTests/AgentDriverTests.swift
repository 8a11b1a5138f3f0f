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
        try dir.write("right.token", "s3cret\n")
        try dir.write("wrong.token", "guess\n")
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
        let daemon = try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--control-socket", socket, "--log-target",
                "console",
            ],
            log: dir.file("daemon.log")
        )
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

    @Test(
        "a cancellation plan runs end to end against HTTP terminals that fail every third call",
        .timeLimit(.minutes(4))
    )
    func planOverHTTP() throws {
        let dir = try TestDirectory()
        var sim = [
            "simulation:",
            "  seed: 12",
            "  transactions_per_minute: 30",
            "  scenario: {peripheral_share: 0, update_duration: 1s, agent_faults: [",
        ]
        sim.append((1...4).map { "    {terminal: t-\($0), fault: server-error, share: 0.33}," }.joined(separator: "\n"))
        sim.append("  ]}")
        sim.append("terminals:")
        sim += (1...4).map { "  - {id: t-\($0), store: s-1, providers: {wechat-payscore: {state: active}}}" }
        let server = try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", sim.joined(separator: "\n") + "\n"), "--inventory-out",
                dir.file("inventory.yaml"), "--state", dir.file("sim.sqlite"),
            ],
            log: dir.file("sim.log")
        )
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 2s}
            platform: {simulation: {review_delay: 2s, transient_error_share: 0.1, debit_in_progress_share: 0}}
            plans:
              - {id: http, providers: [wechat-payscore], waves: {canary: 1, size: 3, soak: 2s}, watch: 3s, gate: {blocking_alerts: []}, retry: {initial_backoff: 200ms, max_backoff: 1s, max_attempts: 20}}
            terminals_file: inventory.yaml

            """
        )
        let socket = dir.file("control.sock")
        let daemon = try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--control-socket", socket, "--log-target",
                "console",
            ],
            log: dir.file("daemon.log")
        )
        func plan() -> PlanView? {
            try? ControlClient(path: socket).send(ControlRequest(command: "plans.show", args: ["id": "http"]))
                .decode(PlanView.self)
        }
        let done = eventually(timeout: 180, interval: 1) { plan()?.state.status == .completed }
        let jobs = try ControlClient(path: socket).send(ControlRequest(command: "jobs.list", args: ["plan": "http"]))
            .decode([Job].self)
        let stuck = jobs.filter { $0.status != .completed }.map {
            "\($0.id) \($0.status) at \($0.step): \($0.lastError ?? "")"
        }
        #expect(done, "plan: \(String(describing: plan()?.jobs)); \(stuck)")
        #expect(plan()?.jobs == ["completed": 4], "\(stuck)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
        #expect(daemon.log.contains("HTTP 500 SYSTEM_ERROR"), "the 500s must really have hit job steps")

        // Exactly once on every terminal, despite 500s that arrive after the effect: one disable, one update, and
        // the two notices of the pipeline (before cutover and the follow-up), each shown once.
        let queue = try DatabaseQueue(path: dir.file("sim.sqlite"))
        let effects = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT terminal, operation, count FROM effects").map {
                ("\($0["terminal"] as String)/\($0["operation"] as String)", $0["count"] as Int)
            }
        }
        let counts = Dictionary(effects) { $0 + $1 }
        for n in 1...4 {
            for (operation, expected) in [("disable", 1), ("update", 1), ("notice", 2)] {
                let got = counts["t-\(n)/\(operation)"] ?? 0
                #expect(got == expected, "t-\(n)/\(operation): \(got)")
            }
        }
    }
}
