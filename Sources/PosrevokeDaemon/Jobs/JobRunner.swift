import Dispatch
import Foundation
import Logging
import PosrevokeCore

/// Runs cancellation plans as durable scheduled tasks on its own serial queue.
///
/// One `DispatchSourceTimer` wakes the runner at the next due job or plan; nothing polls. Every transition is
/// committed before and after its side effect: `begin` is saved before a step calls out, the outcome after, so a
/// crash at any point replays the step with the same idempotency key.
final class JobRunner: @unchecked Sendable {
    let queue = DispatchQueue(label: "posrevoke.jobs")
    let store: StateStore
    let engine: Engine
    let clock: any WallClock
    let logger: Logger
    let backups: Backups
    var config: DaemonConfig
    var drivers: [String: any TerminalDriver]
    var platforms: [CreditProvider: any PaymentPlatform]
    var plans: [String: StateStore.StoredPlan] = [:]
    var jobs: [String: Job] = [:]
    private var running: Set<String> = []
    private var busyTerminals: Set<String> = []
    private var finished: [(job: String, outcome: StepOutcome)] = []
    private var draining = false
    private var platformRate: TokenBucket
    private var terminalRate: TokenBucket
    private let timer: any DispatchSourceTimer
    private var lastSweep = Date.distantPast
    static let maxConcurrentSteps = 32

    init(
        config: DaemonConfig,
        store: StateStore,
        engine: Engine,
        drivers: [String: any TerminalDriver],
        platforms: [CreditProvider: any PaymentPlatform],
        backups: Backups,
        clock: any WallClock,
        logger: Logger
    ) throws {
        self.config = config
        self.store = store
        self.engine = engine
        self.drivers = drivers
        self.platforms = platforms
        self.backups = backups
        self.clock = clock
        self.logger = logger
        platformRate = TokenBucket(perSecond: config.jobs.platformPerSecond, burst: config.jobs.platformBurst)
        terminalRate = TokenBucket(perSecond: config.jobs.terminalPerSecond, burst: config.jobs.terminalBurst)
        timer = DispatchSource.makeTimerSource(queue: queue)
        let loaded = try store.loadPlans()
        let now = clock.now()
        plans = Dictionary(uniqueKeysWithValues: loaded.plans.map { ($0.config.id, $0) })
        var recovered: [Job] = []
        for var job in loaded.jobs {
            if job.status == .running {
                job.recoverAfterCrash(now: now)
                recovered.append(job)
            }
            jobs[job.id] = job
        }
        try store.write { db in for job in recovered { try StateStore.saveJob(job, db) } }
        if !recovered.isEmpty {
            logger.notice("resuming \(recovered.count) job steps that were running when the daemon stopped")
        }
        engine.queue.sync { engine.setCutovers(loaded.cutovers) }
        timer.setEventHandler { [unowned self] in self.tick() }
    }

    func start() {
        queue.async {
            self.reconcilePlans(self.config, now: self.clock.now())
            self.timer.schedule(deadline: .now())
            self.timer.resume()
        }
    }

    func resetRates(_ jobs: JobsSection) {
        platformRate = TokenBucket(perSecond: jobs.platformPerSecond, burst: jobs.platformBurst)
        terminalRate = TokenBucket(perSecond: jobs.terminalPerSecond, burst: jobs.terminalBurst)
    }

    /// Wakes the runner now (after an operator command or a reload).
    func poke() {
        queue.async { self.tick() }
    }

    // MARK: The loop

    private func tick() {
        let now = clock.now()
        evaluatePlans(now: now)
        var begun: [Job] = []
        var deferred: [Job] = []
        let due = jobs.values.filter { $0.isDue(at: now) && !running.contains($0.id) }
            .sorted { ($0.nextDue ?? now, $0.id) < ($1.nextDue ?? now, $1.id) }
        for var job in due where running.count + begun.count < Self.maxConcurrentSteps {
            guard let plan = plans[job.plan], plan.state.status == .active, !busyTerminals.contains(job.terminal) else {
                continue
            }
            if job.status == .gated {
                job.remind(now: now, every: plan.config.reminderInterval)
                logStep(
                    job,
                    JobEvent(
                        step: job.step,
                        state: "reminder",
                        detail: "still needs an operator: \(job.context["gate"] ?? "")"
                    )
                )
                deferred.append(job)
                continue
            }
            let window = plan.config.window.window
            if job.step.touchesTerminal && !window.isOpen(at: now) {
                job.nextDue = window.nextOpen(atOrAfter: now)
                deferred.append(job)
                continue
            }
            if job.step.touchesPlatform, let wait = platformRate.take(now: now) {
                job.nextDue = now.addingTimeInterval(wait)
                deferred.append(job)
                continue
            }
            if job.step.touchesTerminal, let wait = terminalRate.take(now: now) {
                job.nextDue = now.addingTimeInterval(wait)
                deferred.append(job)
                continue
            }
            job.begin(now: now)
            busyTerminals.insert(job.terminal)
            begun.append(job)
        }
        if !begun.isEmpty || !deferred.isEmpty {
            do {
                try store.write { db in for job in begun + deferred { try StateStore.saveJob(job, db) } }
                for job in begun + deferred { jobs[job.id] = job }
            } catch {
                logger.error("cannot save job state; steps are not started: \(error)")
                for job in begun { busyTerminals.remove(job.terminal) }
                begun = []
            }
        }
        for job in begun { launch(job, now: now) }
        if now.timeIntervalSince(lastSweep) >= 30 {
            lastSweep = now
            publishAlerts(jobs: Array(jobs.values), plans: Array(plans.values), now: now)
        }
        rearm(now: now)
    }

    private func launch(_ job: Job, now: Date) {
        running.insert(job.id)
        guard let plan = plans[job.plan], let terminal = engine.queue.sync(execute: { engine.terminal(job.terminal) }),
            let driver = drivers[terminal.driver], let platform = platforms[job.provider]
        else {
            queue.async { self.finish(job.id, .retry(error: "terminal, driver or platform is not configured")) }
            return
        }
        let executor = StepExecutor(
            terminal: terminal,
            driver: driver,
            platform: platform,
            backups: backups,
            plan: plan.config,
            pageLimit: config.polling.pageLimit
        )
        let timeout = plan.config.retry.stepTimeout
        Task {
            let outcome = await Self.withTimeout(timeout) { await executor.run(job, now: now) }
            self.queue.async { self.finish(job.id, outcome) }
        }
    }

    private func finish(_ id: String, _ outcome: StepOutcome) {
        finished.append((id, outcome))
        guard !draining else { return }
        draining = true
        queue.async { self.drain() }
    }

    /// Applies every outcome that arrived since the last drain in one transaction.
    private func drain() {
        draining = false
        let batch = finished
        finished = []
        guard !batch.isEmpty else { return }
        let now = clock.now()
        var changed: [Job] = []
        var events: [(Job, JobEvent)] = []
        var cutoverChanges: [(Job, ProviderCancellation?)] = []
        for (id, outcome) in batch {
            running.remove(id)
            guard var job = jobs[id] else { continue }
            busyTerminals.remove(job.terminal)
            guard job.status == .running, let plan = plans[job.plan] else { continue }
            let before = job.step
            events += job.apply(outcome, policy: plan.config.retry, now: now).map { (job, $0) }
            if job.step == .removeHardware, job.status == .waiting,
                now.timeIntervalSince(job.stepSince) >= Double(job.reminders + 1) * plan.config.reminderInterval.seconds
            {
                job.reminders += 1
                let note = job.context["gate"] ?? "peripheral still attached"
                events.append(
                    (job, JobEvent(step: job.step, state: "reminder", detail: "reminder \(job.reminders): \(note)"))
                )
            }
            if job.status == .gated, (job.nextDue ?? now) <= now {
                // The first reminder comes one reminder interval after the gate opened, not at once.
                job.nextDue = now.addingTimeInterval(plan.config.reminderInterval.seconds)
            }
            if job.step != before || job.status == .completed {
                cutoverChanges += cutoverEffect(job, leaving: before, now: now)
            }
            changed.append(job)
        }
        commit(changed, cutovers: cutoverChanges, now: now)
        for (job, event) in events { logStep(job, event) }
        publishAlerts(jobs: changed, plans: [], now: now)
        tick()
    }

    /// Entering `watch` records the cutover; finishing a restore's settings step puts the provider back.
    private func cutoverEffect(_ job: Job, leaving before: JobStep, now: Date) -> [(Job, ProviderCancellation?)] {
        if job.kind == .cancel, job.step == .watch, job.status != .completed, before != .watch {
            return [(job, ProviderCancellation(state: .cancelled, cutover: now))]
        }
        if job.kind == .restore, before == .restoreSettings {
            return [(job, ProviderCancellation(state: .active, cutover: nil))]
        }
        return []
    }

    /// Saves jobs, plan progress and recorded cutovers together, then re-evaluates affected plans.
    func commit(
        _ changed: [Job],
        plans changedPlans: [StateStore.StoredPlan] = [],
        cutovers: [(Job, ProviderCancellation?)] = [],
        now: Date
    ) {
        guard !changed.isEmpty || !changedPlans.isEmpty || !cutovers.isEmpty else { return }
        do {
            let overlay = try store.write { db -> [String: [CreditProvider: ProviderCancellation]]? in
                for job in changed { try StateStore.saveJob(job, db) }
                for plan in changedPlans { try StateStore.savePlan(plan, db) }
                for (job, state) in cutovers {
                    try StateStore.saveCutover(terminal: job.terminal, provider: job.provider, state, job: job.id, db)
                }
                return cutovers.isEmpty ? nil : try StateStore.cutovers(db)
            }
            for job in changed { jobs[job.id] = job }
            for plan in changedPlans { plans[plan.config.id] = plan }
            if let overlay { engine.queue.async { self.engine.setCutovers(overlay) } }
            for (job, state) in cutovers {
                logger.notice(
                    "cutover recorded for \(job.terminal) \(job.provider.rawValue): \(state?.state.rawValue ?? "cleared")",
                    metadata: [
                        "MESSAGE_ID": "\(MessageID.jobStep)", "JOB_ID": "\(job.id)", "PLAN_ID": "\(job.plan)",
                        "TERMINAL_ID": "\(job.terminal)",
                        "PROVIDER": "\(job.provider.rawValue)", "JOB_STEP": "\(job.step.rawValue)",
                        "JOB_STATE": "cutover",
                    ]
                )
            }
        } catch {
            logger.error("cannot save job state; the steps will be replayed: \(error)")
        }
    }

    private func rearm(now: Date) {
        let nextJob = jobs.values.filter {
            !running.contains($0.id) && [.ready, .waiting, .gated].contains($0.status)
                && plans[$0.plan]?.state.status == .active
        }.compactMap(\.nextDue).min()
        let nextPlan = plans.values.compactMap { plan -> Date? in
            guard plan.state.status == .active, let settled = plan.state.waveSettledAt else { return nil }
            return settled.addingTimeInterval(plan.config.waves.soak.seconds)
        }.min()
        // Time-based alerts (review-overdue) are re-checked at least every 30 s while any plan runs.
        let sweep = plans.values.contains { $0.state.status == .active } ? now.addingTimeInterval(30) : nil
        guard let next = [nextJob, nextPlan, sweep].compactMap({ $0 }).min() else {
            timer.schedule(deadline: .distantFuture)
            return
        }
        let delay = max(0, next.timeIntervalSince(now))
        timer.schedule(deadline: .now() + .milliseconds(Int(delay * 1000) + 1), leeway: .milliseconds(20))
    }

    static func withTimeout(_ limit: Duration, _ work: @escaping @Sendable () async -> StepOutcome) async -> StepOutcome
    {
        await withTaskGroup(of: StepOutcome?.self) { group in
            group.addTask { await work() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .retry(error: "step timed out after \(DurationText.format(limit))")
            }
            defer { group.cancelAll() }
            while let result = await group.next() {
                if let result { return result }
            }
            return .retry(error: "step was cancelled")
        }
    }
}
