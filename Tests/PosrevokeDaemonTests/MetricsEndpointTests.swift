import Foundation
import PosrevokeCore
import Testing

/// `/metrics` against a running daemon: valid for promtool, moving with the scenario, bounded labels; and the
/// shipped alerting rules valid for promtool.
@Suite("Prometheus endpoint", .serialized)
struct MetricsEndpointTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `.build/tools/promtool` (scripts/test puts it there), else `promtool` on PATH.
    static func promtool(_ arguments: [String], input: Data = Data()) throws -> (status: Int32, output: String) {
        let local = root.appendingPathComponent(".build/tools/promtool").path
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: local) {
            process.executableURL = URL(fileURLWithPath: local)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["promtool"] + arguments
        }
        let (stdin, stdout) = (Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// The value of the sample `series` (name and labels exactly as exposed), or nil when absent.
    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("/metrics passes promtool, moves as polls succeed and fail and alerts fire, and names no terminal")
    func scrape() throws {
        let dir = try TestDirectory()
        let port = try PlatformEvidenceProcessTests.freePort()
        let cancelled = "{wechat-payscore: {state: cancelled, cutover: \"2026-01-01T00:00:00Z\"}}"
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 1s}
            metrics: {listen: "127.0.0.1:\(port)"}
            simulation:
              transactions_per_minute: 120
              credit_pay_share: 0.5
              scenario:
                missed_update: [pos-a1]
                offline: [{terminal: pos-c9, after: 0s}]
            terminals:
              - {id: pos-a1, store: shop-1, providers: \(cancelled)}
              - {id: pos-b5, store: shop-1, providers: \(cancelled)}
              - {id: pos-c9, store: shop-2, providers: \(cancelled)}

            """
        )
        let daemon = try RealPlatformPlanTests.start(dir, config: config, 0)
        let base = "http://127.0.0.1:\(port)"
        var text = ""
        func scrape() -> String? {
            guard let answer = RawHTTP.exchange(base, "GET /metrics HTTP/1.1"), answer.status == 200 else { return nil }
            return String(decoding: answer.body, as: UTF8.self)
        }
        let moved = eventually(timeout: 40, interval: 0.5) {
            guard let now = scrape() else { return false }
            text = now
            return (Self.value(now, #"posrevoke_polls_total{outcome="ok"}"#) ?? 0) >= 5
                && (Self.value(now, #"posrevoke_polls_total{outcome="failed"}"#) ?? 0) >= 3
                && Self.value(now, #"posrevoke_alerts{kind="lingering-credit-pay",state="firing"}"#) == 1
                && Self.value(now, #"posrevoke_alerts{kind="terminal-unreachable",state="firing"}"#) == 1
        }
        #expect(moved, "\(text)\n\(String(daemon.log.suffix(1500)))")
        #expect(Self.value(text, #"posrevoke_build_info{version="\#(BuildInfo.version)"}"#) == 1)
        #expect(Self.value(text, "posrevoke_terminals") == 3)
        #expect(Self.value(text, "posrevoke_config_last_reload_successful") == 1)
        // A fleet of simulated terminals is never taken for a real one: the daemon says so at start.
        #expect(daemon.log.contains("3 of 3 terminals are simulated"), "\(String(daemon.log.prefix(1500)))")
        // This daemon logs to the console: nothing reaches a journal, and the counter says so.
        #expect(Self.value(text, "posrevoke_journal_entries_written_total") == 0)
        #expect(text.contains("posrevoke_poll_duration_seconds_bucket{outcome=\"ok\",le=\""))
        #expect(text.contains("posrevoke_poll_lateness_seconds_count "))
        #expect(!text.contains("pos-a1") && !text.contains("shop-1"), "no terminal or store is a label")

        let check = try Self.promtool(["check", "metrics"], input: Data(text.utf8))
        #expect(check.status == 0, "\(check.output)")

        // Counters only grow between scrapes.
        let before = Self.value(text, #"posrevoke_polls_total{outcome="ok"}"#) ?? 0
        #expect(
            eventually(timeout: 10, interval: 0.5) {
                (scrape().flatMap { Self.value($0, #"posrevoke_polls_total{outcome="ok"}"#) } ?? 0) > before
            }
        )
        #expect(RawHTTP.status(base, "GET /other HTTP/1.1") == 404)
        #expect(RawHTTP.status(base, "POST /metrics HTTP/1.1", body: "x") != 200)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
    }

    @Test("the shipped alerting rules pass promtool check rules, and the dashboard is JSON")
    func rules() throws {
        let rules = Self.root.appendingPathComponent("deploy/prometheus/posrevoke.rules.yml").path
        let check = try Self.promtool(["check", "rules", rules])
        #expect(check.status == 0 && check.output.contains("SUCCESS"), "\(check.output)")
        let dashboard = try Data(contentsOf: Self.root.appendingPathComponent("deploy/grafana/posrevoke.json"))
        let object = try JSONSerialization.jsonObject(with: dashboard) as? [String: Any]
        let panels = object?["panels"] as? [[String: Any]] ?? []
        #expect(panels.count >= 8)
        // Every panel queries metrics the daemon serves.
        let served = [
            "posrevoke_alerts", "posrevoke_polls_total", "posrevoke_poll_duration_seconds_bucket",
            "posrevoke_poll_lateness_seconds_bucket", "posrevoke_polls_skipped_total", "posrevoke_jobs",
            "posrevoke_outbox_entries", "posrevoke_journal_entries_dropped_total", "posrevoke_platform_calls_total",
            "posrevoke_callbacks_total", "posrevoke_config_last_reload_successful", "posrevoke_terminals",
            "posrevoke_tms_calls_total",
        ]
        for panel in panels {
            let targets = panel["targets"] as? [[String: Any]] ?? []
            for expr in targets.compactMap({ $0["expr"] as? String }) {
                #expect(served.contains { expr.contains($0) }, "\(expr)")
            }
        }
    }
}
