import Foundation
import Logging
import PosrevokeCore

/// Plans: creation, reconciliation with the config file, wave progression, and the alerts jobs and plans raise.
extension JobRunner {
    /// Creates a plan and its jobs, all in one transaction. Throws when the id exists or nothing matches.
    @discardableResult
    func createPlan(_ plan: PlanConfig, source: String, now: Date) throws -> StateStore.StoredPlan {
        dispatchPrecondition(condition: .onQueue(queue))
        guard plans[plan.id] == nil else { throw ControlError("plan '\(plan.id)' already exists") }
        let effective = engine.queue.checkedSync { config.terminals.compactMap { engine.terminal($0.id) } }
        let selected = effective.filter { plan.select.matches($0) }
        var pairs: [(Terminal, CreditProvider)] = []
        for terminal in selected {
            for provider in plan.providers {
                guard let current = terminal.providers[provider] else { continue }
                let wanted = plan.kind == .cancel ? current.state == .active : current.state == .cancelled
                if wanted { pairs.append((terminal, provider)) }
            }
        }
        guard !pairs.isEmpty else {
            throw ControlError(
                "plan '\(plan.id)' selects no terminal × provider that can be \(plan.kind == .cancel ? "cancelled" : "restored")"
            )
        }
        let waves = Waves.assign(Array(Set(pairs.map(\.0.id))), config: plan.waves)
        let waveOf = Dictionary(
            uniqueKeysWithValues: waves.enumerated().flatMap { index, ids in ids.map { ($0, index) } }
        )
        let steps = JobStep.pipeline(plan.kind, vendorConfirmation: plan.vendorConfirmation)
        let newJobs = pairs.map { terminal, provider in
            Job(
                plan: plan.id,
                terminal: terminal.id,
                store: terminal.store,
                provider: provider,
                kind: plan.kind,
                wave: waveOf[terminal.id] ?? 0,
                steps: steps,
                now: now
            )
        }
        let stored = StateStore.StoredPlan(
            config: plan,
            source: source,
            state: PlanState(id: plan.id, waveCount: waves.count, now: now)
        )
        try store.write { db in
            try StateStore.savePlan(stored, db)
            for job in newJobs { try StateStore.saveJob(job, db) }
        }
        plans[plan.id] = stored
        for job in newJobs { jobs[job.id] = job }
        logPlan(stored, "created: \(newJobs.count) jobs on \(waveOf.count) terminals in \(waves.count) waves")
        return stored
    }

    /// Applies the config's `plans:`: new ones are created, known ones take the new settings (their jobs and
    /// progress stay), and plans that disappeared from the file are paused, never deleted.
    func reconcilePlans(_ config: DaemonConfig, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        let wanted = Set(config.plans.map(\.id))
        for plan in config.plans {
            if var existing = plans[plan.id] {
                guard existing.config != plan || existing.state.removedFromConfig else { continue }
                existing.config = plan
                let returned = existing.state.removedFromConfig
                existing.state.removedFromConfig = false
                guard commit([], plans: [existing], now: now) else { continue }
                if returned {
                    logPlan(
                        existing,
                        "is back in the config file; it stays \(existing.state.status.rawValue) until resumed"
                    )
                }
            } else {
                do {
                    try createPlan(plan, source: "config", now: now)
                } catch {
                    logger.error(
                        "plan \(plan.id) from the config file was not created: \(error)",
                        metadata: [JournalField.messageID: "\(MessageID.planEvent)", JournalField.planID: "\(plan.id)"]
                    )
                }
            }
        }
        for var plan in plans.values
        where plan.source == "config" && !wanted.contains(plan.config.id)
            && !plan.state.removedFromConfig
        {
            plan.state.removedFromConfig = true
            if plan.state.status == .active {
                plan.state.status = .paused
                plan.state.pauseReason = "removed from the config file"
            }
            plan.state.updatedAt = now
            guard commit([], plans: [plan], now: now) else { continue }
            let kept = plan.state.status == .paused ? "paused, not deleted" : "kept as \(plan.state.status.rawValue)"
            logPlan(plan, "was removed from the config file: \(kept)")
        }
    }

    /// Lets every active plan take its next step: release a wave, pause at a failed gate, complete.
    func evaluatePlans(now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        let active = plans.values.filter { $0.state.status == .active }
        guard !active.isEmpty else { return }
        let alerting = engine.queue.checkedSync { engine.alertingKeys }
        for var plan in active {
            let planJobs = jobs.values.filter { $0.plan == plan.config.id }
            let before = plan.state
            let decisions = plan.state.evaluate(
                config: plan.config,
                jobs: planJobs,
                alerting: alerting,
                now: now
            )
            guard plan.state != before || !decisions.isEmpty else { continue }
            var released: [Job] = []
            var notes: [(String, Logger.Level)] = []
            for decision in decisions {
                switch decision {
                case .releaseWave(let wave):
                    for var job in planJobs where job.wave == wave {
                        job.release(now: now)
                        released.append(job)
                    }
                    let note = "released wave \(wave + 1) of \(plan.state.waveCount) (\(released.count) jobs)"
                    notes.append((note, .notice))
                case .gateFailed(let reason):
                    notes.append(("paused: \(reason)", .warning))
                case .complete:
                    notes.append(("completed", .notice))
                case .wakeAt:
                    break
                }
            }
            // Told only once durable; a refused write leaves the plan as it was, to be decided again next turn.
            guard commit(released, plans: [plan], now: now) else { continue }
            for (note, level) in notes { logPlan(plan, note, level: level) }
            if decisions.contains(where: { if case .gateFailed = $0 { true } else { false } }) {
                publishAlerts(jobs: [], plans: [plan], now: now)
            }
        }
    }

    /// Raises or clears `job-failed`, `review-overdue` and `health-gate-failed` for these jobs and plans.
    func publishAlerts(jobs: [Job], plans: [StateStore.StoredPlan], now: Date) {
        var conditions: [(condition: Condition, store: String)] = []
        for job in jobs {
            let evidence = [
                JournalField.jobID: job.id, JournalField.planID: job.plan, JournalField.jobStep: job.step.rawValue,
            ]
            conditions.append(
                (
                    Condition(
                        key: AlertKey(kind: .jobFailed, terminal: job.terminal, provider: job.provider.rawValue),
                        active: job.status == .failed,
                        evidence: evidence.merging(["JOB_ERROR": job.lastError ?? ""]) { $1 },
                        summary: "job \(job.id) failed at \(job.step.rawValue): \(job.lastError ?? "unknown error"); "
                            + "fix the cause, then `posrevokectl jobs retry \(job.id)`"
                    ), job.store
                )
            )
            let overdue =
                self.plans[job.plan].map { plan in
                    job.step == .awaitReview && !job.status.isFinal
                        && now.timeIntervalSince(job.stepSince) > plan.config.reviewOverdue.seconds
                } ?? false
            conditions.append(
                (
                    Condition(
                        key: AlertKey(kind: .reviewOverdue, terminal: job.terminal, provider: job.provider.rawValue),
                        active: overdue,
                        evidence: evidence.merging(["APPLICATION_ID": job.context["application"] ?? ""]) { $1 },
                        summary: "application \(job.context["application"] ?? "?") has waited for review since "
                            + "\(job.stepSince.formatted(.iso8601)); chase it with the platform"
                    ), job.store
                )
            )
        }
        for plan in plans {
            let failed = plan.state.status == .paused && (plan.state.pauseReason ?? "").hasPrefix("health gate")
            conditions.append(
                (
                    Condition(
                        key: AlertKey(kind: .healthGateFailed, terminal: plan.config.id),
                        active: failed,
                        evidence: [JournalField.planID: plan.config.id, "WAVE": String(plan.state.currentWave + 1)],
                        summary: "\(plan.state.pauseReason ?? "health gate failed"); the plan is paused, "
                            + "`posrevokectl plans resume \(plan.config.id)` after fixing it"
                    ), "-"
                )
            )
        }
        guard !conditions.isEmpty else { return }
        let collected = conditions
        engine.queue.async { self.engine.apply(external: collected) }
    }

    func logStep(_ job: Job, _ event: JobEvent) {
        let level: Logger.Level = ["failed", "gated", "reminder"].contains(event.state) ? .warning : .info
        logger.log(
            level: level,
            "job \(job.id): \(event.step.rawValue) \(event.state): \(event.detail)",
            metadata: [
                JournalField.messageID: "\(MessageID.jobStep)", JournalField.jobID: "\(job.id)",
                JournalField.planID: "\(job.plan)",
                JournalField.terminalID: "\(job.terminal)", JournalField.storeID: "\(job.store)",
                JournalField.provider: "\(job.provider.rawValue)",
                JournalField.jobStep: "\(event.step.rawValue)", JournalField.jobState: "\(event.state)",
                "JOB_ATTEMPT": "\(job.attempt)",
            ]
        )
    }

    func logPlan(_ plan: StateStore.StoredPlan, _ what: String, level: Logger.Level = .notice) {
        logger.log(
            level: level,
            "plan \(plan.config.id) \(what)",
            metadata: [
                JournalField.messageID: "\(MessageID.planEvent)", JournalField.planID: "\(plan.config.id)",
                "PLAN_STATE": "\(plan.state.status.rawValue)", "WAVE": "\(plan.state.currentWave + 1)",
            ]
        )
    }
}

/// A control request that cannot be carried out, with the reason for the operator.
struct ControlError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension JobRunner {
    /// A reload: new drivers, platforms, limits and plans. Running jobs keep running; nothing restarts.
    func apply(
        _ newConfig: DaemonConfig,
        drivers: [String: any TerminalDriver],
        platforms: [CreditProvider: any PaymentPlatform]
    ) {
        queue.async {
            if newConfig.jobs != self.config.jobs {
                self.resetRates(newConfig.jobs)
            }
            self.config = newConfig
            self.drivers = drivers
            self.platforms = platforms
            self.reconcilePlans(newConfig, now: self.clock.now())
            self.poke()
        }
    }
}
