import Foundation
import PosrevokeCore

/// The alerts jobs and plans raise, derived from their state (never from events): handed to the engine.
extension JobRunner {
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
        engine.async { engine in engine.apply(external: collected) }
    }
}
