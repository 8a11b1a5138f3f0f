import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// Cancellation plans whose terminals and payment platform are both reached over HTTP, served by `posrevoke-sim`.
@Suite("Plans over HTTP", .serialized)
struct HTTPPlanTests {
    /// A simulator for `count` terminals with the platform API on, signed with `key`.
    static func simulator(
        _ dir: TestDirectory,
        count: Int,
        key: String,
        extraScenario: String = "",
        platform: String
    ) throws -> SimProcess {
        var sim = [
            "simulation:",
            "  seed: 12",
            "  transactions_per_minute: 30",
            "  scenario: {peripheral_share: 0, update_duration: 1s\(extraScenario)}",
            "platform: {simulation: {\(platform)}}",
            "terminals:",
        ]
        sim += (1...count).map { "  - {id: t-\($0), store: s-1, providers: {wechat-payscore: {state: active}}}" }
        return try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", sim.joined(separator: "\n") + "\n"), "--inventory-out",
                dir.file("inventory.yaml"), "--state", dir.file("sim.sqlite"), "--platform-key-file",
                try dir.writeSecret("platform-right.key", key + "\n"),
            ],
            log: dir.file("sim.log")
        )
    }

    /// A daemon running plan `http` over the simulator's terminals, signing platform calls with `key`.
    static func daemon(_ dir: TestDirectory, server: SimProcess, key: String, retry: String) throws -> DaemonProcess {
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 2s}
            \(TestConfig.httpPlatform(base: server.base, keyFile: try dir.writeSecret("platform.key", key + "\n")))
            plans:
              - {id: http, providers: [wechat-payscore], waves: {canary: 1, size: 3, soak: 2s}, watch: 3s, gate: {blocking_alerts: []}, retry: \(retry)}
            terminals_file: inventory.yaml

            """
        )
        return try DaemonProcess.console(config: config, in: dir)
    }

    static func call<T: Decodable>(_ dir: TestDirectory, _ command: String, _ args: [String: String]) throws -> T {
        try ControlClient(path: dir.file("control.sock")).send(ControlRequest(command: command, args: args))
            .decode(T.self)
    }

    @Test(
        "terminals and platform over HTTP, with 429s, 500s and lost answers along the way: every effect exactly once",
        .timeLimit(.minutes(4))
    )
    func planOverHTTP() throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(
            dir,
            count: 4,
            key: "shared-secret",
            extraScenario: ", agent_faults: ["
                + (1...4).map { "{terminal: t-\($0), fault: server-error, share: 0.33}" }
                .joined(separator: ", ") + "]",
            platform: "review_delay: 2s, transient_error_share: 0.3, debit_in_progress_share: 0, max_open_orders: 3"
        )
        let daemon = try Self.daemon(
            dir,
            server: server,
            key: "shared-secret",
            retry: "{initial_backoff: 200ms, max_backoff: 1s, max_attempts: 20}"
        )
        func plan() -> PlanView? { try? Self.call(dir, "plans.show", ["id": "http"]) }
        let done = eventually(timeout: 180, interval: 1) { plan()?.state.status == .completed }
        let jobs: [Job] = try Self.call(dir, "jobs.list", ["plan": "http"])
        let stuck = jobs.filter { $0.status != .completed }.map {
            "\($0.id) \($0.status) at \($0.step): \($0.lastError ?? "")"
        }
        #expect(done, "plan: \(String(describing: plan()?.jobs)); \(stuck)")
        #expect(plan()?.jobs == ["completed": 4], "\(stuck)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
        #expect(daemon.log.contains("HTTP 500 SYSTEM_ERROR"), "the terminals' 500s must really have hit job steps")
        let answers = server.log.split(separator: "\n").first { $0.contains("platform answers by status") } ?? ""
        #expect(answers.contains("429×") && answers.contains("500×"), "the platform's 429s and 500s: \(answers)")
        #expect(!answers.contains("401×"), "every request is signed correctly: \(answers)")
        let lost = server.log.split(separator: "\n").first { $0.contains("lost after their effect") }
            .flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect((lost ?? 0) > 0, "some platform changes were made and their answers lost: \(String(describing: lost))")

        // Exactly once on every terminal and at the platform, despite 500s that arrive after the effect.
        let queue = try DatabaseQueue(path: dir.file("sim.sqlite"))
        let (counts, orders) = try queue.read { db in
            let effects = try Row.fetchAll(db, sql: "SELECT terminal, operation, count FROM effects").map {
                ("\($0["terminal"] as String)/\($0["operation"] as String)", $0["count"] as Int)
            }
            let orders = try Row.fetchAll(db, sql: "SELECT terminal, state FROM orders").map {
                ($0["terminal"] as String, $0["state"] as String)
            }
            return (Dictionary(effects) { $0 + $1 }, orders)
        }
        // Calls apart from effects: an answer lost after its effect made the daemon call again, and every repeat
        // carried the same request key or the same values, so each operation is one distinct call.
        let calls = try SimulationStore(path: dir.file("sim.sqlite")).calls()
        let repeated = calls.values.flatMap(\.values).filter { $0 > 1 }.count
        #expect(repeated > 0, "no call was repeated although answers were lost: \(calls.count) calls")
        for (operation, variants) in calls {
            // `terminal/provider/operation` against the effects' `terminal/operation`.
            let parts = operation.split(separator: "/")
            let effects = counts["\(parts.first ?? "")/\(parts.last ?? "")"] ?? 0
            #expect(variants.count == effects, "\(operation): \(variants.count) different calls for \(effects) effects")
        }
        #expect(orders.count > 0, "some terminals had open orders to cancel")
        #expect(orders.allSatisfy { $0.1 == "cancelled" }, "\(orders)")
        for n in 1...4 {
            let terminal = "t-\(n)"
            let expected = [
                ("disable", 1), ("update", 1), ("notice", 2), ("submit-application", 1), ("deactivate", 1),
                ("cancel-order", orders.filter { $0.0 == terminal }.count),
            ]
            for (operation, count) in expected {
                let got = counts["\(terminal)/\(operation)"] ?? 0
                #expect(got == count, "\(terminal)/\(operation): \(got), expected \(count)")
            }
        }
    }

    @Test(
        "a wrong signing key fails the job at once with a clear error and a job-failed alert",
        .timeLimit(.minutes(3))
    )
    func wrongKey() throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(
            dir,
            count: 1,
            key: "the platform's key",
            platform: "transient_error_share: 0, debit_in_progress_share: 0"
        )
        let daemon = try Self.daemon(
            dir,
            server: server,
            key: "an old key",
            retry: "{initial_backoff: 200ms, max_backoff: 1s, max_attempts: 50}"
        )
        var job: Job?
        let failed = eventually(timeout: 90, interval: 0.5) {
            job = ((try? Self.call(dir, "jobs.list", ["plan": "http"])) as [Job]?)?.first
            return job?.status == .failed
        }
        #expect(failed, "job: \(String(describing: job))")
        #expect(job?.step == .cancelOrders)
        let error = job?.lastError ?? ""
        #expect(
            error.contains("401 SIGN_ERROR") && error.contains("platform.http.wechat-payscore.key_file"),
            "\(error)"
        )
        let alerted = eventually(timeout: 20, interval: 0.5) {
            ((try? Self.call(dir, "alerts.list", [:])) as [AlertView]?)?.contains {
                $0.kind == "job-failed" && $0.terminal == "t-1" && $0.state == "firing"
            } == true
        }
        #expect(alerted)
        // Not retried: the daemon keeps running for a while and the platform sees exactly one refused request.
        Thread.sleep(forTimeInterval: 3)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
        let answers = server.log.split(separator: "\n").first { $0.contains("platform answers by status") } ?? ""
        #expect(answers.hasSuffix("status: 401×1"), "\(answers)")
    }
}
