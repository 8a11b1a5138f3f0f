import Dispatch
import Foundation
import Logging
import PosrevokeCore
import Synchronization

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
    /// After the store refused a write, no step starts before this: a failing disk is not hammered.
    private var storeHold: Date?
    /// When the runner's current turn on its queue began, nil between turns; the watchdog reads it.
    let busySince = Mutex<Date?>(nil)
    static let maxConcurrentSteps = 32
    /// How long the runner waits after a failed write before it tries the affected steps again.
    static let storeRetryDelay: TimeInterval = 5

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
        for row in loaded.quarantined { Self.announce(row, logger: logger) }
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
        engine.queue.checkedSync { engine.setCutovers(loaded.cutovers) }
        timer.setEventHandler { [unowned self] in self.tick() }
    }

    /// A state row that could not be decoded was set aside; the journal says which and why.
    static func announce(_ row: StateStore.QuarantinedRow, logger: Logger) {
        logger.error(
            "state row quarantined: \(row); the daemon goes on without it (see the table quarantine)",
            metadata: [
                JournalField.messageID: "\(MessageID.stateRowQuarantined)", "STATE_TABLE": "\(row.table)",
                "STATE_KEY": "\(row.key)", "DECODE_ERROR": "\(row.error)",
            ]
        )
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
        busySince.withLock { $0 = $0 ?? now }
        defer { busySince.withLock { $0 = nil } }
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
                let delay = Int(Self.storeRetryDelay)
                logger.error(
                    "cannot save job state; steps are not started, next try in \(delay) s: \(error)",
                    metadata: [JournalField.messageID: "\(MessageID.storeWriteFailed)"]
                )
                for job in begun { busyTerminals.remove(job.terminal) }
                begun = []
                storeHold = now.addingTimeInterval(Self.storeRetryDelay)
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
        guard let plan = plans[job.plan],
            let terminal = engine.queue.checkedSync(execute: { engine.terminal(job.terminal) }),
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
        busySince.withLock { $0 = $0 ?? now }
        defer { busySince.withLock { $0 = nil } }
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
            if let change = job.cutoverChange(leaving: before, now: now) {
                cutoverChanges.append((job, change.cancellation))
            }
            changed.append(job)
        }
        if commit(changed, cutovers: cutoverChanges, now: now) {
            // Only what is durable is told: a step is never logged as done before its outcome is committed.
            for (job, event) in events { logStep(job, event) }
            publishAlerts(jobs: changed, plans: [], now: now)
        } else {
            reloadAfterFailedCommit(changed.map(\.id), now: now)
        }
        tick()
    }

    /// A commit failed, so memory may be ahead of the database. The jobs are read back from the database, where a
    /// step that was running is still `running`, and go on as after a crash: the step runs again with the same
    /// idempotency key, after `storeRetryDelay`. If even the read fails, the daemon exits so that systemd
    /// restarts it from what the database holds.
    private func reloadAfterFailedCommit(_ ids: [String], now: Date) {
        guard !ids.isEmpty else { return }
        storeHold = now.addingTimeInterval(Self.storeRetryDelay)
        do {
            let stored = try store.loadJobs(ids: ids)
            for id in ids {
                guard var job = stored[id] else {
                    jobs[id] = nil
                    continue
                }
                if job.status == .running {
                    job.recoverAfterCrash(now: now)
                    job.nextDue = storeHold
                }
                jobs[id] = job
            }
            logger.warning(
                "\(ids.count) job steps were not committed; they run again in \(Int(Self.storeRetryDelay)) s",
                metadata: [JournalField.messageID: "\(MessageID.storeWriteFailed)"]
            )
        } catch {
            logger.critical(
                "cannot read job state back after a failed commit; exiting to restart from the database: \(error)",
                metadata: [JournalField.messageID: "\(MessageID.storeWriteFailed)"]
            )
            JournalLogHandler.flush()
            exit(EXIT_FAILURE)
        }
    }

    /// Saves jobs, plan progress and recorded cutovers together; memory follows only when the write succeeded.
    /// Returns false when the store refused the write: nothing changed, and nothing may be logged as done.
    @discardableResult
    func commit(
        _ changed: [Job],
        plans changedPlans: [StateStore.StoredPlan] = [],
        cutovers: [(Job, ProviderCancellation?)] = [],
        now: Date
    ) -> Bool {
        guard !changed.isEmpty || !changedPlans.isEmpty || !cutovers.isEmpty else { return true }
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
                        JournalField.messageID: "\(MessageID.jobStep)", JournalField.jobID: "\(job.id)",
                        JournalField.planID: "\(job.plan)",
                        JournalField.terminalID: "\(job.terminal)",
                        JournalField.provider: "\(job.provider.rawValue)", JournalField.jobStep: "\(job.step.rawValue)",
                        JournalField.jobState: "cutover",
                    ]
                )
            }
            return true
        } catch {
            logger.error(
                "cannot save job state; nothing of it was applied: \(error)",
                metadata: [JournalField.messageID: "\(MessageID.storeWriteFailed)"]
            )
            storeHold = now.addingTimeInterval(Self.storeRetryDelay)
            return false
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
        let delay = max(0, next.timeIntervalSince(now), storeHold.map { $0.timeIntervalSince(now) } ?? 0)
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
