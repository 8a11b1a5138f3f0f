import Foundation
import PosrevokeCore
import Testing

/// Plan ids that become file names, the cutover a cancellation records, the health gate's reach, and the watchdog's
/// verdict.
@Suite("Job safety: plan ids, cutovers, gates, stalls")
struct JobSafetyTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let terminals = [
        Terminal(
            id: "t-1",
            store: "s-1",
            pollInterval: .seconds(10),
            providers: [.wechatPayscore: .init(state: .active, cutover: nil)]
        )
    ]

    func issues(planID yamlID: String) -> [ConfigIssue] {
        do {
            _ = try ConfigParser.parsePlan(yaml: "id: \(yamlID)\n", terminals: terminals)
            return []
        } catch {
            return error.issues
        }
    }

    // MARK: Plan ids

    @Test(
        "a plan id that is not one safe file name is refused when the plan is read",
        arguments: [
            "'..'", "'.'", ".hidden", "a/b", "'../../etc'", "\"a\\x01b\"", "\"a\\tb\"", "\"a\\0b\"",
            String(repeating: "x", count: 101), "\"\"",
        ]
    )
    func unsafePlanIDs(_ id: String) {
        let found = issues(planID: id)
        #expect(found.map(\.path) == ["plan.id"], "\(id): \(found)")
    }

    @Test("ordinary plan ids are still accepted, up to 100 bytes")
    func safePlanIDs() {
        for id in ["north", "wechat-2026.q1", "plan_7", "北区", String(repeating: "x", count: 100)] {
            #expect(issues(planID: id).isEmpty, "\(id)")
        }
        #expect(PlanConfig.fileNameProblem("a\u{0}b") != nil)
        #expect(PlanConfig.fileNameProblem("..")?.contains("'.'") == true)
    }

    // MARK: Cutovers

    func cancelJob() -> Job {
        Job(
            plan: "p",
            terminal: "t-1",
            store: "s-1",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: JobStep.pipeline(.cancel, vendorConfirmation: false),
            now: t0
        )
    }

    func move(_ job: inout Job, _ outcome: StepOutcome, at now: Date) -> CutoverChange? {
        let before = job.step
        _ = job.apply(outcome, policy: PlanConfig.RetryConfig(), now: now)
        return job.cutoverChange(leaving: before, now: now)
    }

    @Test("a cancel job records its cutover when close-service is done, not first at watch")
    func cutoverAtCloseService() {
        var job = cancelJob()
        job.release(now: t0)
        var changes: [(JobStep, CutoverChange)] = []
        var now = t0
        while !job.status.isFinal {
            now = now.addingTimeInterval(60)
            let step = job.step
            job.begin(now: now)
            if let change = move(&job, .done(), at: now) { changes.append((step, change)) }
        }
        #expect(changes.count == 1)
        #expect(changes.first?.0 == .closeService)
        let closedAt = t0.addingTimeInterval(60 * 3)  // backup, notify-users, close-service
        #expect(changes.first?.1 == .record(closedAt))
        #expect(changes.first?.1.cancellation == ProviderCancellation(state: .cancelled, cutover: closedAt))
        #expect(job.context["cutover"] == closedAt.formatted(.iso8601))
    }

    @Test("a retried or gated close-service records nothing; confirming it by hand records the cutover")
    func cutoverByHand() {
        var job = cancelJob()
        job.stepIndex = job.steps.firstIndex(of: .closeService) ?? 0
        job.status = .ready
        job.begin(now: t0)
        #expect(move(&job, .retry(error: "unreachable"), at: t0) == nil)
        job.begin(now: t0)
        #expect(move(&job, .gate(reason: "do it by hand"), at: t0) == nil)
        let later = t0.addingTimeInterval(30)
        _ = job.confirm(now: later)
        #expect(job.cutoverChange(leaving: .closeService, now: later) == .record(later))
    }

    @Test("a job that passed close-service without a recorded cutover records it at watch; a restore puts it back")
    func cutoverFallbackAndRestore() {
        var job = cancelJob()
        job.stepIndex = job.steps.firstIndex(of: .retest) ?? 0
        job.status = .ready
        job.begin(now: t0)
        #expect(move(&job, .done(), at: t0) == .record(t0))
        #expect(job.step == .watch)

        var restore = Job(
            plan: "r",
            terminal: "t-1",
            store: "s-1",
            provider: .wechatPayscore,
            kind: .restore,
            wave: 0,
            steps: JobStep.pipeline(.restore, vendorConfirmation: false),
            now: t0
        )
        restore.stepIndex = restore.steps.firstIndex(of: .restoreSettings) ?? 0
        restore.status = .ready
        restore.begin(now: t0)
        let change = move(&restore, .done(), at: t0)
        #expect(change == .restore)
        #expect(change?.cancellation == ProviderCancellation(state: .active, cutover: nil))
    }

    // MARK: Health gate

    func planJobs() -> [Job] {
        (0..<3).map { index in
            var job = Job(
                plan: "p",
                terminal: "t-\(index)",
                store: "s-\(index)",
                provider: .wechatPayscore,
                kind: .cancel,
                wave: index,
                steps: [.watch],
                now: t0
            )
            job.status = index < 2 ? .waiting : .queued
            return job
        }
    }

    @Test("the gate after wave 2 blocks on an alert of a wave-1 terminal, and on a store of an earlier wave")
    func gateCoversThePlanSoFar() {
        let config = PlanConfig(id: "p")
        for key in [
            AlertKey(kind: .lingeringCreditPay, terminal: "t-0", provider: "wechat-payscore"),
            AlertKey(kind: .negativeFeedback, terminal: "s-0"),
        ] {
            var state = PlanState(id: "p", waveCount: 3, now: t0)
            state.currentWave = 1
            state.waveSettledAt = t0
            let decisions = state.evaluate(
                config: config,
                jobs: planJobs(),
                alerting: [key],
                now: t0.addingTimeInterval(config.waves.soak.seconds)
            )
            guard case .gateFailed(let reason) = decisions.first else {
                Issue.record("expected the gate to fail on \(key), got \(decisions)")
                continue
            }
            #expect(reason.contains("health gate failed after wave 2") && reason.contains(key.kind.rawValue))
            #expect(state.status == .paused)
        }
        // A terminal the plan has not released yet (wave 3) does not hold it.
        var state = PlanState(id: "p", waveCount: 3, now: t0)
        state.currentWave = 1
        state.waveSettledAt = t0
        let decisions = state.evaluate(
            config: config,
            jobs: planJobs(),
            alerting: [AlertKey(kind: .lingeringCreditPay, terminal: "t-2", provider: "wechat-payscore")],
            now: t0.addingTimeInterval(config.waves.soak.seconds)
        )
        #expect(decisions == [.releaseWave(2)])
    }

    @Test("an alert still inside its for: duration (pending) blocks the gate, as the runner passes pending keys")
    func pendingBlocks() {
        var machine = AlertStateMachine()
        _ = machine.observe(active: true, now: t0, pendingFor: .seconds(60), repeatInterval: .seconds(3600))
        #expect(machine.isPending && !machine.isFiring)
        let released = Array(planJobs().prefix(1))
        let reason = PlanState(id: "p", waveCount: 2, now: t0).gateFailure(
            config: PlanConfig(id: "p"),
            released: released,
            wave: released,
            alerting: [AlertKey(kind: .paymentFailureRate, terminal: "t-0")]
        )
        #expect(reason == "1 blocking alert pending or firing (payment-failure-rate on t-0)")
    }

    /// The arithmetic of docs/jobs.md: at the gate, the rule has counted the entries written up to
    /// `feedback.poll_interval` before its last evaluation (at most `evaluate_interval` before the gate), inside its
    /// window, after the cutover. With the defaults, a store leaving 21 entries a day (0.84 an hour) is seen.
    @Test("with the default soak and feedback windows, the feedback gate can trip at a store with 21 entries a day")
    func defaultsLetTheFeedbackGateTrip() {
        let rule = NegativeFeedbackRuleConfig()
        let feedback = FeedbackSection()
        func counted(soak: TimeInterval, perDay: Double) -> Int {
            let evaluated = soak - rule.evaluateInterval.seconds
            let newest = evaluated - feedback.pollInterval.seconds
            let oldest = max(0, evaluated - rule.window.seconds)
            let spacing = 86400 / perDay
            // Entries from the cutover (time 0) on, one every `spacing`, the first one `spacing` after it.
            return max(0, Int((newest / spacing).rounded(.down)) - max(1, Int((oldest / spacing).rounded(.up))) + 1)
        }
        let soak = PlanConfig.WaveConfig().soak.seconds
        #expect(soak <= rule.window.seconds, "entries from the start of the soak would leave the window")
        let seen = counted(soak: soak, perDay: 21)
        #expect(seen >= rule.minSample)
        let stats = StoreFeedbackStats(recent: FeedbackTally(count: seen, negative: seen))
        #expect(NegativeFeedbackRule.evaluate(store: "s-1", stats: stats, config: rule).active)
        // The old default of one hour could not see such a store at all.
        #expect(counted(soak: 3600, perDay: 21) < rule.minSample)
    }

    // MARK: Watchdog

    @Test("the watchdog is fed while every part makes progress, and withheld naming the part that stalled")
    func stallCheck() {
        let check = StallCheck(limit: 15)
        let now = t0
        let fresh = now.addingTimeInterval(-1)
        let old = now.addingTimeInterval(-16)
        let older = now.addingTimeInterval(-40)
        #expect(check.verdict(.init(), now: now) == .ping)
        #expect(check.verdict(.init(pollLoopLastTurn: fresh, engineBusySince: fresh), now: now) == .ping)
        #expect(check.verdict(.init(pollLoopLastTurn: now.addingTimeInterval(-15)), now: now) == .ping)
        #expect(check.verdict(.init(pollLoopLastTurn: old), now: now) == .stalled(.pollLoop, since: old))
        #expect(
            check.verdict(.init(pollLoopLastTurn: fresh, engineBusySince: old), now: now)
                == .stalled(.engineCommit, since: old)
        )
        #expect(
            check.verdict(.init(pollLoopLastTurn: fresh, jobRunnerBusySince: old), now: now)
                == .stalled(.jobRunner, since: old)
        )
        #expect(
            check.verdict(.init(pollLoopLastTurn: fresh, journalWriterBusySince: old), now: now)
                == .stalled(.journalWriter, since: old)
        )
        // Several at once: the one stalled longest is named.
        #expect(
            check.verdict(.init(pollLoopLastTurn: old, engineBusySince: older, jobRunnerBusySince: old), now: now)
                == .stalled(.engineCommit, since: older)
        )
    }
}
