import Foundation
import PosrevokeControl
import PosrevokeCore
import Testing

/// Plans under a real private journald: gates that fail, and a demo plan whose steps show in the journal.
@Suite(
    "Jobs in the journal",
    .serialized,
    .enabled(if: PrivateJournal.isAvailable, "needs root, unshare and systemd-journald")
)
struct JobsJournalTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func start(_ dir: TestDirectory, config: String) throws -> (DaemonProcess, PrivateJournal, String) {
        try DaemonProcess.withPrivateJournal(dir, config: config)
    }

    func plan(_ socket: String, _ id: String) -> PlanView? {
        try? ControlClient(path: socket).send(ControlRequest(command: "plans.show", args: ["id": id])).decode(
            PlanView.self
        )
    }

    @Test("lingering traffic on the canary fails the health gate: the plan pauses and alerts")
    func gateFails() throws {
        let dir = try TestDirectory()
        var lines = [
            "polling: {interval: 1s}",
            "simulation: {seed: 8, transactions_per_minute: 120, credit_pay_share: 0.5, scenario: {missed_update: [t-1], peripheral_share: 0, update_duration: 1s}}",
            "platform: {simulation: {review_delay: 2s, transient_error_share: 0}}",
            "plans:",
            "  - {id: north, providers: [wechat-payscore], waves: {canary: 1, size: 2, soak: 3s}, watch: 1h, retry: {initial_backoff: 200ms}}",
            "terminals:",
        ]
        lines += (1...5).map { "  - {id: t-\($0), store: s-1, providers: {wechat-payscore: {state: active}}}" }
        let config = try dir.write("posrevoke.yaml", lines.joined(separator: "\n") + "\n")
        let (daemon, journal, socket) = try start(dir, config: config)
        let paused = eventually(timeout: 90, interval: 0.5) { plan(socket, "north")?.state.status == .paused }
        let view = plan(socket, "north")
        #expect(paused, "plan: \(String(describing: view?.state)); log:\n\(daemon.log)")
        #expect(view?.state.pauseReason?.contains("lingering-credit-pay on t-1") == true)
        #expect(view?.waves.dropFirst().allSatisfy { !$0.released } == true, "no later wave may start")
        Thread.sleep(forTimeInterval: 2)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        let entries = try journal.entries()
        let gate = try #require(
            entries.first { $0["MESSAGE_ID"] == MessageID.healthGateFailed && $0["ALERT_STATE"] == "firing" }
        )
        #expect(gate["PLAN_ID"] == "north")
        #expect(gate["POSREVOKE_ALERT"] == "health-gate-failed")
        // The lingering alert is attributed to the cutover the job recorded, not to any inventory setting.
        let lingering = try #require(entries.first { $0["POSREVOKE_ALERT"] == "lingering-credit-pay" })
        #expect(lingering["TERMINAL_ID"] == "t-1")
        #expect(entries.contains { $0["MESSAGE_ID"] == MessageID.planEvent && $0["PLAN_STATE"] == "paused" })
        #expect(
            !entries.contains {
                $0["MESSAGE_ID"] == MessageID.jobStep && $0["TERMINAL_ID"] != "t-1" && $0["JOB_STATE"] == "done"
            }
        )
    }

    @Test("the demo plan runs end to end within minutes, every step visible in the journal", .timeLimit(.minutes(8)))
    func demoPlan() throws {
        let path = Self.root.appendingPathComponent("config/demo-plan.yaml").path
        let demo = try ConfigParser.load(path: path)
        let planID = try #require(demo.plans.first?.id)
        let dir = try TestDirectory()
        let (daemon, journal, socket) = try start(dir, config: path)
        let started = Date()
        let done = eventually(timeout: 360, interval: 2) { plan(socket, planID)?.state.status == .completed }
        let elapsed = Date().timeIntervalSince(started)
        let view = plan(socket, planID)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(
            done,
            "plan \(String(describing: view?.jobs)) after \(Int(elapsed)) s; log:\n\(daemon.log.suffix(2000))"
        )
        #expect(view?.jobs["completed"] == view?.jobs.values.reduce(0, +))
        let entries = try journal.entries().filter { $0["MESSAGE_ID"] == MessageID.jobStep }
        let job = try #require(entries.first?["JOB_ID"])
        let doneSteps = Set(
            entries.filter { $0["JOB_ID"] == job && $0["JOB_STATE"] == "done" }.compactMap { $0["JOB_STEP"] }
        )
        #expect(doneSteps == Set(JobStep.pipeline(.cancel, vendorConfirmation: false).map(\.rawValue)))
        #expect(entries.contains { $0["JOB_ID"] == job && $0["JOB_STATE"] == "completed" })
        #expect(entries.allSatisfy { $0["PLAN_ID"] == planID })
        #expect(entries.contains { $0["JOB_ID"] == job && $0["JOB_STATE"] == "cutover" })
    }
}
