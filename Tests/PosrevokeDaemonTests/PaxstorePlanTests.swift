import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// Cancellation plans whose terminal commands go through the simulated PAXSTORE, with its faults.
@Suite("Plans through PAXSTORE", .serialized)
struct PaxstorePlanTests {
    /// What the simulated PAXSTORE counted.
    struct Stats: Decodable {
        var requests: Int
        var maxRequestsInAWindow: Int
        var overLimit: Int
        var injectedThrottles: Int
        var serverErrors: Int
        var lost: Int
        var authFailures: Int
        var locked: Bool
        var duplicatePushes: Int
    }

    static func store(_ n: Int) -> String { "s-\(n % 10)" }

    /// A simulator for `count` terminals (plus `extra` lines) with PAXSTORE and the platform API on.
    static func simulator(_ dir: TestDirectory, count: Int, tms: String, extra: [String] = []) throws -> SimProcess {
        var sim = [
            "simulation:",
            "  seed: 7",
            "  transactions_per_minute: 6",
            "  scenario: {peripheral_share: 0, update_duration: 1s}",
            "  tms: {\(tms)}",
            "platform: {simulation: {review_delay: 1s, transient_error_share: 0, debit_in_progress_share: 0}}",
            "terminals:",
        ]
        sim += (1...count).map {
            "  - {id: t-\($0), store: \(store($0)), providers: {wechat-payscore: {state: active}}}"
        }
        sim += extra
        return try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", sim.joined(separator: "\n") + "\n"), "--state",
                dir.file("sim.sqlite"), "--platform-key-file", try dir.writeSecret("platform.key", "shared-secret\n"),
                "--paxstore", dir.file("paxstore"),
            ],
            log: dir.file("sim.log")
        )
    }

    /// A daemon whose `count` agent terminals send their commands through the simulator's PAXSTORE.
    static func daemon(
        _ dir: TestDirectory,
        server: SimProcess,
        count: Int,
        extraTerminals: [String] = [],
        secretFile: String? = nil,
        plan: String
    ) throws -> DaemonProcess {
        var tms = try String(contentsOfFile: dir.file("paxstore/tms.yaml"), encoding: .utf8)
        if let secretFile {
            tms =
                tms.split(separator: "\n").map {
                    $0.contains("api_secret_file:") ? "    api_secret_file: \"\(secretFile)\"" : String($0)
                }.joined(separator: "\n") + "\n"
        }
        let terminals = (1...count).map {
            "  - {id: t-\($0), store: \(store($0)), driver: agent, url: \"\(server.base)/t/t-\($0)\", tms: paxstore, "
                + "serial_no: SN-t-\($0), providers: {wechat-payscore: {state: active}}}"
        }
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 5s}
            jobs: {platform_rate: {per_second: 500, burst: 500}, terminal_rate: {per_second: 500, burst: 500}}
            \(TestConfig.httpPlatform(base: server.base, keyFile: try dir.writeSecret("platform-daemon.key", "shared-secret\n")))
            plans:
              - \(plan)
            \(tms)
            terminals:
            \((terminals + extraTerminals).joined(separator: "\n"))

            """
        )
        return try DaemonProcess.console(config: config, in: dir)
    }

    static func call<T: Decodable>(_ dir: TestDirectory, _ command: String, _ args: [String: String]) throws -> T {
        let response = try ControlClient(path: dir.file("control.sock"), timeout: 120)
            .send(ControlRequest(command: command, args: args))
        guard response.ok else { throw HarnessError("\(command): \(response.error ?? "refused")") }
        return try response.decode(T.self)
    }

    static func stats(_ server: SimProcess) throws -> Stats {
        let answer = try #require(RawHTTP.exchange(server.base, "GET /tms/paxstore/_stats HTTP/1.1"))
        return try JSONDecoder().decode(Stats.self, from: answer.body)
    }

    @Test(
        "200 terminals through PAXSTORE with faults: one effective push each, within the rate limit, never locked",
        .timeLimit(.minutes(8))
    )
    func twoHundredTerminals() throws {
        let dir = try TestDirectory()
        let count = 200
        let offline = ["t-7", "t-77"]
        // A small window, so that the plan needs several: the daemon learns the limit from the headers.
        let server = try Self.simulator(
            dir,
            count: count,
            tms: "rate_limit: 500, rate_window: 10s, throttle_share: 0.004, server_error_share: 0.05, "
                + "lost_answer_share: 0.05, task_delay: 1s, task_expiry: 3s, offline: [\(offline.joined(separator: ", "))]",
            extra: [
                "  - {id: tms-only-1, store: x, providers: {wechat-payscore: {state: active}}}",
                "  - {id: tms-only-2, store: x, providers: {wechat-payscore: {state: active}}}",
            ]
        )
        // The TMS-only terminals: one online, one with t-7's serial number, which PAXSTORE has offline.
        let daemon = try Self.daemon(
            dir,
            server: server,
            count: count,
            extraTerminals: [
                "  - {id: tms-only-1, store: x, driver: tms, tms: paxstore, serial_no: SN-tms-only-1, poll_interval: 2s}",
                "  - {id: tms-only-off, store: x, driver: tms, tms: paxstore, serial_no: SN-t-7, poll_interval: 2s}",
            ],
            plan:
                "{id: pax, providers: [wechat-payscore], select: {stores: [\((0..<10).map { "s-\($0)" }.joined(separator: ", "))]}, "
                + "waves: {canary: 1, size: 100, soak: 1s}, watch: 1s, "
                + "gate: {blocking_alerts: [], max_failed_jobs: 5}, "
                + "retry: {initial_backoff: 200ms, max_backoff: 2s, max_attempts: 30}}"
        )

        // The inventory from the TMS: every terminal, with its serial number, readable as a terminals file.
        #expect(eventually(timeout: 20) { FileManager.default.fileExists(atPath: dir.file("control.sock")) })
        let listing: TerminalImport = try Self.call(dir, "terminals.import", ["from": "paxstore"])
        #expect(listing.terminals.count == count + 2 && listing.totalCount == count + 2)
        let yaml = try TMSInventory.yaml(
            listing.terminals,
            .init(stores: nil, providers: [.wechatPayscore], pollIntervalSeconds: listing.pollIntervalSeconds)
        )
        let imported = try ConfigParser.parse(yaml: Self.importedConfig(yaml, tms: dir))
        #expect(imported.terminals.count == count + 2)
        #expect(imported.terminals.first { $0.serialNo == "SN-t-5" }?.store == "s-5")

        // A terminal known only to the TMS is unreachable when the TMS says it is offline, and only then.
        let unreachable = eventually(timeout: 60, interval: 0.5) {
            ((try? Self.call(dir, "alerts.list", [:])) as [AlertView]?)?.contains {
                $0.kind == "terminal-unreachable" && $0.terminal == "tms-only-off" && $0.state == "firing"
            } == true
        }
        #expect(unreachable)

        func jobs() -> [Job] { (try? Self.call(dir, "jobs.list", ["plan": "pax"])) ?? [] }
        let settled = eventually(timeout: 360, interval: 1) {
            let all = jobs()
            return all.count == count && all.allSatisfy { $0.status == .completed || $0.status == .failed }
        }
        let all = jobs()
        let stuck = all.filter { $0.status != .completed }.map {
            "\($0.terminal) \($0.status) at \($0.step): \($0.lastError ?? "")"
        }
        #expect(settled, "\(stuck.prefix(10))")
        #expect(Set(all.filter { $0.status == .failed }.map(\.terminal)) == Set(offline), "\(stuck.prefix(10))")
        for job in all where offline.contains(job.terminal) {
            #expect(job.step == .closeService)
            #expect(job.lastError?.contains("task expired") == true, "\(job.lastError ?? "")")
        }
        #expect(
            !((try? Self.call(dir, "alerts.list", [:])) as [AlertView]? ?? []).contains {
                $0.kind == "terminal-unreachable" && $0.terminal == "tms-only-1" && $0.state == "firing"
            }
        )

        let stats = try Self.stats(server)
        #expect(stats.overLimit == 0, "requests beyond the key's limit: \(stats.overLimit)")
        #expect(stats.maxRequestsInAWindow <= 500)
        #expect(stats.maxRequestsInAWindow > 200, "the plan needed the budget: \(stats.maxRequestsInAWindow)")
        #expect(stats.authFailures == 0 && !stats.locked)
        #expect(stats.injectedThrottles > 0 && stats.serverErrors > 0 && stats.lost > 0, "faults were played")
        #expect(stats.duplicatePushes > 0, "some pushes were answered 2022/2023 after a lost answer")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)

        // Exactly one effective push of each kind on every terminal that checked in; the offline ones got three
        // parameter pushes, each expired, and nothing else.
        let effects = try SimulationStore(path: dir.file("sim.sqlite")).effects()
        for n in 1...count {
            let terminal = "t-\(n)"
            let params = effects["\(terminal)/-/tms-params"] ?? 0
            let app = effects["\(terminal)/-/tms-app"] ?? 0
            let uninstall = effects["\(terminal)/-/tms-uninstall"] ?? 0
            let disabled = effects["\(terminal)/wechat-payscore/disable"] ?? 0
            if offline.contains(terminal) {
                #expect(params == 3 && app == 0 && uninstall == 0 && disabled == 0, "\(terminal): \(params) \(app)")
            } else {
                #expect(
                    params == 1 && app == 1 && uninstall == 1 && disabled == 1,
                    "\(terminal): params \(params), app \(app), uninstall \(uninstall), disabled \(disabled)"
                )
            }
        }
        // Lost answers made the daemon push again, and PAXSTORE's duplicate codes kept it to one push.
        let calls = try SimulationStore(path: dir.file("sim.sqlite")).calls()
        let repeated = calls.filter { $0.key.hasSuffix("/tms-params") || $0.key.hasSuffix("/tms-app") }
            .flatMap(\.value.values).filter { $0 > 1 }.count
        #expect(repeated > 0, "no push was repeated although answers were lost")
    }

    /// The imported file under a config that has the TMS account, as a reload would read it.
    static func importedConfig(_ terminals: String, tms dir: TestDirectory) throws -> String {
        let account = try String(contentsOfFile: dir.file("paxstore/tms.yaml"), encoding: .utf8)
        return account + "terminals:\n"
            + terminals.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    @Test(
        "a secret PAXSTORE refuses fails the job at once and stops the key before it is locked",
        .timeLimit(.minutes(3))
    )
    func wrongSecret() throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(dir, count: 5, tms: "task_delay: 1s")
        let daemon = try Self.daemon(
            dir,
            server: server,
            count: 5,
            secretFile: try dir.writeSecret("wrong-secret", "not-the-secret-at-all\n"),
            plan: "{id: pax, providers: [wechat-payscore], waves: {canary: 2, size: 5, soak: 1s}, watch: 1s, "
                + "gate: {blocking_alerts: [], max_failed_jobs: 10}, "
                + "retry: {initial_backoff: 200ms, max_backoff: 1s, max_attempts: 30}}"
        )
        func jobs() -> [Job] { (try? Self.call(dir, "jobs.list", ["plan": "pax"])) ?? [] }
        let failed = eventually(timeout: 90, interval: 0.5) {
            let all = jobs()
            return all.count == 5 && all.allSatisfy { $0.status == .failed }
        }
        let all = jobs()
        #expect(failed, "\(all.map { "\($0.terminal) \($0.status) \($0.step)" })")
        for job in all {
            #expect(job.step == .closeService)
            #expect(
                job.lastError?.contains("tms.paxstore.api_key and api_secret_file") == true,
                "\(job.lastError ?? "")"
            )
        }
        // Waiting a little more shows that nothing else is tried with the key.
        Thread.sleep(forTimeInterval: 3)
        let stats = try Self.stats(server)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
        #expect(
            stats.authFailures >= 1 && stats.authFailures <= 2,
            "calls after the first refusal: \(stats.authFailures)"
        )
        #expect(!stats.locked)
        #expect(!daemon.log.contains("not-the-secret-at-all"), "the secret is never logged")
    }
}
