import Foundation
import PosrevokeCore

/// Saving what jobs did: jobs, plan progress and recorded cutovers in one transaction, and what happens when the
/// store refuses it.
extension JobRunner {
    /// A commit failed, so memory may be ahead of the database. The jobs are read back from the database, where a
    /// step that was running is still `running`, and go on as after a crash: the step runs again with the same
    /// idempotency key, after `storeRetryDelay`. If even the read fails, the daemon exits so that systemd
    /// restarts it from what the database holds.
    func reloadAfterFailedCommit(_ ids: [String], now: Date) {
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
            if let overlay { engine.async { engine in engine.setCutovers(overlay) } }
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
}
