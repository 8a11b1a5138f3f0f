import Foundation
import PosrevokeCore
import Testing

@Suite("Job state machine")
struct JobMachineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var policy: PlanConfig.RetryConfig {
        var policy = PlanConfig.RetryConfig()
        policy.maxAttempts = 3
        policy.initialBackoff = .seconds(10)
        policy.maxBackoff = .seconds(60)
        return policy
    }

    func job(vendor: Bool = false) -> Job {
        Job(
            plan: "p",
            terminal: "t-1",
            store: "s",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: JobStep.pipeline(.cancel, vendorConfirmation: vendor),
            now: t0
        )
    }

    @Test("a queued job is released by its wave and then due")
    func release() {
        var job = job()
        #expect(!job.isDue(at: t0))
        job.release(now: t0)
        #expect(job.status == .ready && job.isDue(at: t0))
        #expect(job.idempotencyKey == "p/t-1/wechat-payscore#backup")
    }

    @Test("success advances to the next step; the last success completes the job")
    func success() {
        var job = job()
        job.release(now: t0)
        job.begin(now: t0)
        #expect(job.status == .running && job.attempt == 1)
        _ = job.apply(.done(context: ["backup.sha256": "abc"]), policy: policy, now: t0)
        #expect(job.step == .notifyUsers && job.status == .ready && job.attempt == 0)
        #expect(job.context["backup.sha256"] == "abc")
        job.stepIndex = job.steps.count - 1
        job.begin(now: t0)
        let effects = job.apply(.done(), policy: policy, now: t0)
        #expect(job.status == .completed)
        #expect(effects.contains(JobEvent(step: .followUp, state: .completed, detail: "job completed")))
    }

    @Test("a retryable error backs off exponentially with jitter, then fails with job-failed after max attempts")
    func retries() {
        var job = job()
        job.release(now: t0)
        var delays: [TimeInterval] = []
        for attempt in 1...3 {
            job.begin(now: t0)
            let effects = job.apply(.retry(error: "500 SYSTEM_ERROR"), policy: policy, now: t0)
            if attempt < 3 {
                #expect(job.status == .ready)
                delays.append(job.nextDue!.timeIntervalSince(t0))
            } else {
                #expect(job.status == .failed)
                #expect(effects.map(\.state) == [.failed])
            }
        }
        #expect((5...10).contains(delays[0]))
        #expect((10...20).contains(delays[1]))
        #expect(job.lastError == "500 SYSTEM_ERROR")
    }

    @Test("a server's retry-after is honoured when longer than the backoff")
    func retryAfter() {
        var job = job()
        job.release(now: t0)
        job.begin(now: t0)
        _ = job.apply(.retry(error: "debit in progress", after: .seconds(300)), policy: policy, now: t0)
        #expect(job.nextDue == t0.addingTimeInterval(300))
    }

    @Test("a permanent error (a rejected application) fails at once")
    func permanent() {
        var job = job()
        job.release(now: t0)
        job.begin(now: t0)
        let effects = job.apply(.permanent(error: "application rejected: licence mismatch"), policy: policy, now: t0)
        #expect(job.status == .failed && job.attempt == 1)
        #expect(
            effects == [
                JobEvent(
                    step: .backup,
                    state: .failed,
                    detail: "backup failed: application rejected: licence mismatch"
                )
            ]
        )
    }

    @Test("waiting does not use up attempts")
    func waiting() {
        var job = job()
        job.release(now: t0)
        for _ in 0..<10 {
            job.begin(now: t0)
            _ = job.apply(.wait(until: t0.addingTimeInterval(30), note: "under_review"), policy: policy, now: t0)
        }
        #expect(job.status == .waiting && job.attempt == 0)
        #expect(job.isDue(at: t0.addingTimeInterval(30)) && !job.isDue(at: t0.addingTimeInterval(29)))
    }

    @Test("a manual gate waits for an operator; confirming it completes the step")
    func gate() {
        var job = job(vendor: true)
        job.release(now: t0)
        job.stepIndex = 2
        #expect(job.step == .vendorConfirmation)
        job.begin(now: t0)
        let first = job.apply(.gate(reason: "confirm with the vendor"), policy: policy, now: t0)
        #expect(job.status == .gated && first.count == 1)
        job.remind(now: t0, every: .seconds(3600))
        #expect(job.nextDue == t0.addingTimeInterval(3600) && job.reminders == 1)
        _ = job.confirm(now: t0)
        #expect(job.step == .closeService && job.status == .ready)
        #expect(job.context["gate"] == nil && job.context["confirmed.vendor-confirmation"] != nil)
    }

    @Test("operator retry, pause, resume, cancel and run-now")
    func operatorCommands() {
        var job = job()
        job.release(now: t0)
        job.begin(now: t0)
        _ = job.apply(.permanent(error: "x"), policy: policy, now: t0)
        #expect(job.retry(now: t0).map(\.state) == [.retried])
        #expect(job.status == .ready && job.attempt == 0)
        job.pause(now: t0)
        #expect(job.status == .paused && !job.isDue(at: t0))
        job.resume(now: t0)
        #expect(job.status == .ready)
        job.nextDue = t0.addingTimeInterval(999)
        job.runNow(now: t0)
        #expect(job.isDue(at: t0))
        _ = job.cancel(now: t0)
        #expect(job.status == .cancelled && job.status.isFinal)
    }

    @Test("a failed job can be given up on; completed and cancelled ones cannot be cancelled again")
    func cancelFailed() {
        var job = job()
        job.release(now: t0)
        job.begin(now: t0)
        _ = job.apply(.permanent(error: "x"), policy: policy, now: t0)
        #expect(job.cancel(now: t0).map(\.state) == [.cancelled])
        #expect(job.status == .cancelled)
        #expect(job.cancel(now: t0).isEmpty)
    }

    @Test("a step running at a crash is replayed with the same idempotency key")
    func crashRecovery() {
        var job = job()
        job.release(now: t0)
        job.stepIndex = 4
        job.begin(now: t0)
        let key = job.idempotencyKey
        job.recoverAfterCrash(now: t0.addingTimeInterval(5))
        #expect(job.status == .ready && job.isDue(at: t0.addingTimeInterval(5)))
        #expect(job.idempotencyKey == key && key.hasSuffix("#submit-application"))
    }

    @Test("the pipelines hold the steps merchants go through, in order")
    func pipelines() {
        #expect(
            JobStep.pipeline(.cancel, vendorConfirmation: false).map(\.rawValue) == [
                "backup", "notify-users", "close-service", "cancel-orders", "submit-application", "await-review",
                "confirm-unbind", "remove-hardware", "push-update", "await-update", "retest", "watch", "follow-up",
            ]
        )
        #expect(JobStep.pipeline(.restore, vendorConfirmation: false).contains(.rebind))
        #expect(JobStep.notifyUsers.touchesTerminal && !JobStep.submitApplication.touchesTerminal)
        #expect(JobStep.submitApplication.touchesPlatform)
    }
}

@Suite("Windows, waves, gates and limits")
struct PlanningTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test("a daily window in the terminal's time zone opens and closes on time")
    func window() {
        let window = MaintenanceWindow(startMinute: 120, endMinute: 300, timeZone: shanghai)
        #expect(window.isOpen(at: date("2026-12-01T02:30:00+08:00")))
        #expect(!window.isOpen(at: date("2026-12-01T05:00:00+08:00")))
        #expect(window.nextOpen(atOrAfter: date("2026-12-01T06:00:00+08:00")) == date("2026-12-02T02:00:00+08:00"))
        #expect(window.nextOpen(atOrAfter: date("2026-12-01T01:00:00+08:00")) == date("2026-12-01T02:00:00+08:00"))
        let open = date("2026-12-01T03:00:00+08:00")
        #expect(window.nextOpen(atOrAfter: open) == open)
    }

    @Test("a window across midnight, and not-before")
    func overnight() {
        var window = MaintenanceWindow(startMinute: 23 * 60, endMinute: 60, timeZone: shanghai)
        #expect(window.isOpen(at: date("2026-12-01T23:30:00+08:00")))
        #expect(window.isOpen(at: date("2026-12-02T00:30:00+08:00")))
        #expect(!window.isOpen(at: date("2026-12-02T01:30:00+08:00")))
        window.notBefore = date("2026-12-10T00:00:00+08:00")
        #expect(!window.isOpen(at: date("2026-12-01T23:30:00+08:00")))
        #expect(window.nextOpen(atOrAfter: date("2026-12-01T12:00:00+08:00")) == date("2026-12-10T00:00:00+08:00"))
        #expect(MaintenanceWindow.always().isOpen(at: Date()))
    }

    @Test("waves: a canary, then fixed sizes or a percentage")
    func waves() {
        let ids = (1...20).map { String(format: "t-%02d", $0) }
        var config = PlanConfig.WaveConfig()
        config.canary = 2
        config.size = 8
        #expect(Waves.assign(ids.shuffled(), config: config).map(\.count) == [2, 8, 8, 2])
        #expect(Waves.assign(ids, config: config)[0] == ["t-01", "t-02"])
        config.size = nil
        config.percent = 25
        #expect(Waves.assign(ids, config: config).map(\.count) == [2, 5, 5, 5, 3])
        config.percent = nil
        #expect(Waves.assign(ids, config: config).map(\.count) == [2, 18])
    }

    @Test("a plan releases its canary, soaks, passes a clean gate and moves on")
    func cleanGate() {
        var config = PlanConfig(id: "p")
        config.waves.soak = .seconds(60)
        let t0 = date("2026-12-01T00:00:00Z")
        var state = PlanState(id: "p", waveCount: 2, now: t0)
        var jobs = [
            Job(
                plan: "p",
                terminal: "a",
                store: "s",
                provider: .wechatPayscore,
                kind: .cancel,
                wave: 0,
                steps: [.backup, .watch],
                now: t0
            ),
            Job(
                plan: "p",
                terminal: "b",
                store: "s",
                provider: .wechatPayscore,
                kind: .cancel,
                wave: 1,
                steps: [.backup, .watch],
                now: t0
            ),
        ]
        #expect(state.evaluate(config: config, jobs: jobs, alerting: [], now: t0) == [.releaseWave(0)])
        #expect(state.evaluate(config: config, jobs: jobs, alerting: [], now: t0).isEmpty)
        jobs[0].stepIndex = 1  // reached watch: cut over
        #expect(
            state.evaluate(config: config, jobs: jobs, alerting: [], now: t0) == [.wakeAt(t0.addingTimeInterval(60))]
        )
        #expect(
            state.evaluate(config: config, jobs: jobs, alerting: [], now: t0.addingTimeInterval(60)) == [
                .releaseWave(1)
            ]
        )
    }

    @Test("lingering traffic on the canary fails the gate and pauses the plan; --skip-gate lets it through")
    func failedGate() {
        let config = PlanConfig(id: "p")
        let t0 = date("2026-12-01T00:00:00Z")
        var state = PlanState(id: "p", waveCount: 2, now: t0)
        state.currentWave = 0
        var canary = Job(
            plan: "p",
            terminal: "a",
            store: "s",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: [.watch],
            now: t0
        )
        canary.status = .waiting
        let firing: Set = [
            AlertKey(kind: .lingeringCreditPay, terminal: "a", provider: "wechat-payscore"),
            AlertKey(kind: .lingeringCreditPay, terminal: "elsewhere", provider: "wechat-payscore"),
        ]
        let later = t0.addingTimeInterval(config.waves.soak.seconds)
        _ = state.evaluate(config: config, jobs: [canary], alerting: firing, now: t0)
        let decisions = state.evaluate(config: config, jobs: [canary], alerting: firing, now: later)
        guard case .gateFailed(let reason) = decisions.first else {
            Issue.record("expected the gate to fail, got \(decisions)")
            return
        }
        #expect(reason.contains("1 blocking alert pending or firing (lingering-credit-pay on a)"))
        #expect(state.status == .paused)
        #expect(state.evaluate(config: config, jobs: [canary], alerting: firing, now: later).isEmpty)
        state.status = .active
        state.skipNextGate = true
        #expect(state.evaluate(config: config, jobs: [canary], alerting: firing, now: later) == [.releaseWave(1)])
    }

    @Test("failed jobs beyond the allowance fail the gate")
    func failedJobsGate() {
        var config = PlanConfig(id: "p")
        config.gate.maxFailedJobs = 1
        var failed = Job(
            plan: "p",
            terminal: "a",
            store: "s",
            provider: .alipayCredit,
            kind: .cancel,
            wave: 0,
            steps: [.backup],
            now: Date()
        )
        failed.status = .failed
        var second = failed
        second.terminal = "b"
        #expect(
            PlanState(id: "p", waveCount: 2, now: Date()).gateFailure(
                config: config,
                released: [failed],
                wave: [failed],
                alerting: []
            ) == nil
        )
        #expect(
            PlanState(id: "p", waveCount: 2, now: Date()).gateFailure(
                config: config,
                released: [failed, second],
                wave: [failed, second],
                alerting: []
            )?
            .contains("2 failed jobs") == true
        )
    }

    @Test("the token bucket allows a burst, then the sustained rate")
    func tokenBucket() {
        var bucket = TokenBucket(perSecond: 2, burst: 3)
        let t0 = Date()
        #expect((0..<3).allSatisfy { _ in bucket.take(now: t0) == nil })
        let wait = bucket.take(now: t0)
        #expect(wait != nil && abs(wait! - 0.5) < 0.01)
        #expect(bucket.take(now: t0.addingTimeInterval(0.5)) == nil)
    }

    @Test("a plan file parses with every key and reports mistakes with paths")
    func planFile() throws {
        let terminals = [
            Terminal(
                id: "t-1",
                store: "s-1",
                pollInterval: .seconds(10),
                providers: [.wechatPayscore: .init(state: .active, cutover: nil)]
            )
        ]
        let plan = try ConfigParser.parsePlan(
            yaml: """
                id: north
                kind: cancel
                select: {stores: [s-1]}
                providers: [wechat-payscore]
                window: {start: "02:00", end: "05:00", timezone: Asia/Shanghai, not_before: 2026-12-01T00:00:00+08:00}
                waves: {canary: 1, percent: 50, soak: 30m}
                gate: {blocking_alerts: [lingering-credit-pay], max_failed_jobs: 1}
                retry: {max_attempts: 4, initial_backoff: 5s, max_backoff: 5m, step_timeout: 1m}
                vendor_confirmation: true
                review_overdue: 2d
                watch: 3d
                """,
            terminals: terminals
        )
        #expect(plan.window.window.startMinute == 120)
        #expect(plan.waves.percent == 50 && plan.vendorConfirmation)
        #expect(throws: ConfigErrors.self) {
            try ConfigParser.parsePlan(
                yaml: "id: x\nwindow: {start: '25:00', timezone: Mars/Olympus}\nselect: {terminals: [t-9]}\n",
                terminals: terminals
            )
        }
        do {
            _ = try ConfigParser.parsePlan(
                yaml: "id: x\nwaves: {size: 5, percent: 10}\nwatchh: 1d\n",
                terminals: terminals
            )
        } catch {
            #expect(error.issues.map(\.path).sorted() == ["plan.watchh", "plan.waves"])
        }
    }
}
