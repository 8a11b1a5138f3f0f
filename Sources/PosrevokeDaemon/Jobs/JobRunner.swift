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
actor JobRunner: QueueActor {
    nonisolated let executor = QueueExecutor(queue: DispatchQueue(label: "posrevoke.jobs"))
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
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
    var running: Set<String> = []
    private var busyTerminals: Set<String> = []
    /// Store × provider pairs whose bindings a step is handling: on the real platforms one store's users'
    /// authorizations are every terminal's there, so two terminals' steps must not query-then-terminate at once.
    private var busyBindings: Set<String> = []
    private var finished: [(job: String, outcome: StepOutcome)] = []
    private var draining = false
    private var platformRate: TokenBucket
    private var terminalRate: TokenBucket
    private let timer: any DispatchSourceTimer
    private var lastSweep = Date.distantPast
    /// After the store refused a write, no step starts before this: a failing disk is not hammered.
    var storeHold: Date?
    /// When the runner's current turn on its queue began, nil between turns; the watchdog reads it.
    nonisolated let busySince = Mutex<Date?>(nil)
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
        let timer = DispatchSource.makeTimerSource(queue: executor.queue)
        self.timer = timer
        let loaded = try store.loadPlans()
        for row in loaded.quarantined { row.announce(to: logger) }
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
        engine.sync { engine in engine.setCutovers(loaded.cutovers) }
        timer.setEventHandler { [unowned self] in self.onQueue { $0.tick() } }
    }

    nonisolated func start() {
        async { runner in
            runner.reconcilePlans(runner.config, now: runner.clock.now())
            runner.timer.schedule(deadline: .now())
            runner.timer.resume()
        }
    }

    func resetRates(_ jobs: JobsSection) {
        platformRate = TokenBucket(perSecond: jobs.platformPerSecond, burst: jobs.platformBurst)
        terminalRate = TokenBucket(perSecond: jobs.terminalPerSecond, burst: jobs.terminalBurst)
    }

    /// Wakes the runner now (after an operator command or a reload).
    nonisolated func poke() {
        async { $0.tick() }
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
            guard let plan = plans[job.plan], plan.state.status == .active, !busyTerminals.contains(job.terminal),
                Self.bindings(job).map({ !busyBindings.contains($0) }) ?? true
            else { continue }
            if job.status == .gated {
                logStep(job, job.remindOfGate(now: now, every: plan.config.reminderInterval))
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
            if let bindings = Self.bindings(job) { busyBindings.insert(bindings) }
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
                for job in begun {
                    busyTerminals.remove(job.terminal)
                    if let bindings = Self.bindings(job) { busyBindings.remove(bindings) }
                }
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

    func finish(_ id: String, _ outcome: StepOutcome) {
        finished.append((id, outcome))
        guard !draining else { return }
        draining = true
        async { $0.drain() }
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
            if let bindings = Self.bindings(job) { busyBindings.remove(bindings) }
            guard job.status == .running, let plan = plans[job.plan] else { continue }
            let before = job.step
            events += job.apply(outcome, policy: plan.config.retry, now: now).map { (job, $0) }
            events += job.scheduleReminders(now: now, every: plan.config.reminderInterval).map { (job, $0) }
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
}
