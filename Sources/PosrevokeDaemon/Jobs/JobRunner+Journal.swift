import Foundation
import Logging
import PosrevokeCore

/// What jobs and plans tell the journal: one entry per step event and per plan change.
extension JobRunner {
    func logStep(_ job: Job, _ event: JobEvent) {
        let level: Logger.Level = event.state.needsAttention ? .warning : .info
        logger.log(
            level: level,
            "job \(job.id): \(event.step.rawValue) \(event.state.rawValue): \(event.detail)",
            metadata: [
                JournalField.messageID: "\(MessageID.jobStep)", JournalField.jobID: "\(job.id)",
                JournalField.planID: "\(job.plan)",
                JournalField.terminalID: "\(job.terminal)", JournalField.storeID: "\(job.store)",
                JournalField.provider: "\(job.provider.rawValue)",
                JournalField.jobStep: "\(event.step.rawValue)", JournalField.jobState: "\(event.state.rawValue)",
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
