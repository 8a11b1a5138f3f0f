import Foundation
import Logging
import PosrevokeCore

/// Plans: creation, reconciliation with the config file, wave progression, and the alerts jobs and plans raise.
extension JobRunner {
    /// Creates a plan and its jobs, all in one transaction. Throws when the id exists or nothing matches.
    @discardableResult
    func createPlan(_ plan: PlanConfig, source: String, now: Date) throws -> StateStore.StoredPlan {
        guard plans[plan.id] == nil else { throw ControlError("plan '\(plan.id)' already exists") }
        let ids = config.terminals.map(\.id)
        let effective = engine.sync { engine in ids.compactMap { engine.terminal($0) } }
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
        let active = plans.values.filter { $0.state.status == .active }
        guard !active.isEmpty else { return }
        let alerting = engine.sync { engine in engine.alertingKeys }
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
}

extension JobRunner {
    /// A reload: new drivers, platforms, limits and plans. Running jobs keep running; nothing restarts.
    nonisolated func apply(
        _ newConfig: DaemonConfig,
        drivers: [String: any TerminalDriver],
        platforms: [CreditProvider: any PaymentPlatform]
    ) {
        async { runner in
            if newConfig.jobs != runner.config.jobs {
                runner.resetRates(newConfig.jobs)
            }
            runner.config = newConfig
            runner.drivers = drivers
            runner.platforms = platforms
            runner.reconcilePlans(newConfig, now: runner.clock.now())
            runner.poke()
        }
    }
}
