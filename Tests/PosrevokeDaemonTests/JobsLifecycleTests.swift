import Foundation
import PosrevokeControl
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// Restores, manual platforms, overdue reviews and reloads, each against a live daemon.
@Suite("Job lifecycle against a live daemon", .serialized)
struct JobsLifecycleTests {
    static func config(
        plans: String,
        platform: String = "{simulation: {review_delay: 2s, transient_error_share: 0}}"
    ) -> String {
        """
        polling: {interval: 2s}
        simulation: {seed: 6, transactions_per_minute: 30, scenario: {peripheral_share: 0, update_duration: 1s}}
        platform: \(platform)
        plans:
        \(plans)
        terminals:
          - {id: t-1, store: s-1, providers: {wechat-payscore: {state: active}, alipay-credit: {state: active}}}
          - {id: t-2, store: s-1, providers: {wechat-payscore: {state: active}, alipay-credit: {state: active}}}
        """
    }

    struct Running {
        let daemon: DaemonProcess
        let socket: String
        let dir: TestDirectory

        func call(_ command: String, _ args: [String: String] = [:], body: String? = nil) throws -> ControlResponse {
            try ControlClient(path: socket).send(ControlRequest(command: command, args: args, body: body))
        }

        func plan(_ id: String) -> PlanView? { try? call("plans.show", ["id": id]).decode(PlanView.self) }

        func jobs(_ plan: String) -> [Job] { (try? call("jobs.list", ["plan": plan]).decode([Job].self)) ?? [] }

        func stop() {
            daemon.signal(SIGTERM)
            #expect(daemon.waitForExit(timeout: 30) == 0)
        }
    }

    func start(_ yaml: String, _ dir: TestDirectory) throws -> Running {
        let config = try dir.write("posrevoke.yaml", yaml)
        let socket = dir.file("control.sock")
        let daemon = try DaemonProcess.console(config: config, in: dir)
        #expect(eventually(timeout: 20) { FileManager.default.fileExists(atPath: socket) })
        return Running(daemon: daemon, socket: socket, dir: dir)
    }

    @Test("can I go back? a restore plan re-binds and re-enables what a cancel plan removed", .timeLimit(.minutes(4)))
    func restore() throws {
        let dir = try TestDirectory()
        let run = try start(
            Self.config(plans: "  - {id: off, providers: [wechat-payscore], waves: {canary: 2, soak: 0s}, watch: 1s}"),
            dir
        )
        #expect(
            eventually(timeout: 120, interval: 0.5) { run.plan("off")?.state.status == .completed },
            "log:\n\(run.daemon.log.suffix(2000))"
        )
        let terminals = try run.call("terminals.list").decode([TerminalView].self)
        #expect(terminals.allSatisfy { $0.providers["wechat-payscore"]?.hasPrefix("cancelled") == true })

        let created = try run.call(
            "plans.create",
            body: "id: back\nkind: restore\nproviders: [wechat-payscore]\nwaves: {canary: 2}\n"
        )
        #expect(created.ok, "\(created.error ?? "")")
        #expect(
            eventually(timeout: 120, interval: 0.5) { run.plan("back")?.state.status == .completed },
            "log:\n\(run.daemon.log.suffix(2000))"
        )
        let after = try run.call("terminals.list").decode([TerminalView].self)
        #expect(after.allSatisfy { $0.providers["wechat-payscore"] == "active" })
        let job = try run.call("jobs.show", ["id": "back/t-1/wechat-payscore"]).decode(Job.self)
        #expect(job.context["restored.from"] == "off/t-1.jsonl")
        run.stop()
        let effects = try SimulationStore(path: dir.file("state/simulation.sqlite")).effects()
        #expect(effects["t-1/wechat-payscore/deactivate"] == 1)
        #expect(effects["t-1/wechat-payscore/rebind"] == 1)
        #expect(effects["t-1/wechat-payscore/enable"] == 1)
        #expect(effects["t-1/alipay-credit/disable"] == nil, "the other provider was never touched")
    }

    @Test("a provider without an API turns platform steps into operator gates; an overdue review alerts")
    func manualPlatformAndOverdueReview() throws {
        let dir = try TestDirectory()
        let plans = """
              - {id: manual, providers: [alipay-credit], waves: {canary: 2}}
              - {id: slow, providers: [wechat-payscore], waves: {canary: 2}, review_overdue: 2s}
            """
        let run = try start(
            Self.config(
                plans: plans,
                platform:
                    "{providers: {alipay-credit: manual}, simulation: {review_delay: 1h, transient_error_share: 0}}"
            ),
            dir
        )
        let gated = eventually(timeout: 60, interval: 0.5) {
            run.jobs("manual").allSatisfy { $0.status == .gated && $0.step == .cancelOrders }
        }
        let job = try #require(run.jobs("manual").first)
        #expect(gated, "\(run.jobs("manual").map { "\($0.step) \($0.status)" })")
        #expect(job.context["gate"]?.contains("alipay-credit has no merchant API") == true)
        let confirmed = try run.call("jobs.confirm", ["id": job.id]).decode(Job.self)
        #expect(confirmed.step == .submitApplication)
        // Every platform step waits for an operator in turn; confirming them walks the job past the platform.
        for step in [JobStep.submitApplication, .awaitReview, .confirmUnbind] {
            let reached = eventually(timeout: 20, interval: 0.3) {
                let current = try? run.call("jobs.show", ["id": job.id]).decode(Job.self)
                return current?.step == step && current?.status == .gated
            }
            #expect(reached, "never gated at \(step)")
            #expect(try run.call("jobs.confirm", ["id": job.id]).ok)
        }
        let confirmUnbind = try #require(job.steps.firstIndex(of: .confirmUnbind))
        let past = eventually(timeout: 30, interval: 0.5) {
            ((try? run.call("jobs.show", ["id": job.id]).decode(Job.self))?.stepIndex ?? 0) > confirmUnbind
        }
        #expect(past, "log:\n\(run.daemon.log.suffix(2000))")

        let overdue = eventually(timeout: 90, interval: 1) {
            ((try? run.call("alerts.list").decode([AlertView].self)) ?? []).contains {
                $0.kind == "review-overdue" && $0.terminal == "t-1"
            }
        }
        #expect(overdue, "log:\n\(run.daemon.log.suffix(2000))")
        let slow = try run.call("jobs.show", ["id": "slow/t-1/wechat-payscore"]).decode(Job.self)
        #expect(slow.step == .awaitReview && slow.status == .waiting)
        run.stop()
    }

    @Test("reload keeps running jobs; a plan removed from the config is paused, not deleted; jobs pause and resume")
    func reloadKeepsJobs() throws {
        let dir = try TestDirectory()
        let run = try start(
            Self.config(
                plans: "  - {id: keep, providers: [wechat-payscore], waves: {canary: 2}, watch: 1h}",
                platform: "{simulation: {review_delay: 1h, transient_error_share: 0}}"
            ),
            dir
        )
        #expect(eventually(timeout: 60, interval: 0.5) { run.jobs("keep").allSatisfy { $0.step == .awaitReview } })
        let before = run.jobs("keep")
        let id = try #require(before.first?.id)
        #expect(try run.call("jobs.pause", ["id": id]).decode(Job.self).status == .paused)
        #expect(try run.call("jobs.pause", ["id": id]).error?.contains("cannot be paused") == true)
        #expect(try run.call("jobs.resume", ["id": id]).decode(Job.self).status == .waiting)

        try dir.write(
            "posrevoke.yaml",
            Self.config(plans: "  []", platform: "{simulation: {review_delay: 1h, transient_error_share: 0}}")
                .replacingOccurrences(of: "plans:\n  []", with: "plans: []")
        )
        let reload = try run.call("reload").decode(ReloadView.self)
        #expect(reload.applied, "\(reload.errors)")
        let plan = try #require(run.plan("keep"))
        #expect(plan.state.status == .paused && plan.state.removedFromConfig)
        #expect(plan.state.pauseReason == "removed from the config file")
        let after = run.jobs("keep")
        #expect(after.map(\.id) == before.map(\.id))
        #expect(after.map(\.step) == before.map(\.step) && after.map(\.context) == before.map(\.context))
        run.stop()
    }
}
