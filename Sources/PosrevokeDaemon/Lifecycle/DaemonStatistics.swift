import Foundation
import Logging
import PosrevokeCore

/// The figures the daemon writes to the journal on its own: scheduler and engine statistics every ten minutes, so
/// lateness and skips are visible there, and journal entries dropped because journald did not keep up.
struct DaemonStatistics: Sendable {
    let scheduler: PollScheduler
    let engine: Engine
    let inventory: Inventory
    let logger: Logger

    func log() {
        let stats = scheduler.onQueue { $0.snapshot() }
        let engineStats = engine.published.withLock { $0 }
        let ms = { (ns: UInt64) in String(format: "%.1f", Double(ns) / 1e6) }
        let summary =
            "\(stats.counters.launched) polls, \(stats.counters.skippedBusy + stats.counters.skippedLate) skipped, "
            + "lateness p50 \(ms(stats.latenessP50)) ms p99 \(ms(stats.latenessP99)) ms"
        logger.info(
            "statistics: \(summary)",
            metadata: [
                JournalField.messageID: "\(MessageID.daemonStatistics)",
                "TERMINAL_COUNT": "\(stats.terminals)",
                "POLLS_LAUNCHED": "\(stats.counters.launched)",
                "POLLS_SKIPPED_BUSY": "\(stats.counters.skippedBusy)",
                "POLLS_SKIPPED_LATE": "\(stats.counters.skippedLate)",
                "POLLS_FAILED": "\(engineStats.failedPolls)",
                "POLLS_BACKED_OFF": "\(inventory.backedOffCount)",
                "LATENESS_P50_MS": "\(ms(stats.latenessP50))",
                "LATENESS_P99_MS": "\(ms(stats.latenessP99))",
                "LATENESS_MAX_MS": "\(ms(stats.counters.maxLatenessNanoseconds))",
                "TRANSACTIONS_STORED": "\(engineStats.transactions)",
                "TRANSACTIONS_DUPLICATE": "\(engineStats.duplicates)",
                "FEEDBACK_STORED": "\(engineStats.feedback)",
                "FEEDBACK_DUPLICATE": "\(engineStats.feedbackDuplicates)",
                "FEEDBACK_FAILED": "\(engineStats.feedbackFailures)",
                "FEEDBACK_REJECTED": "\(engineStats.feedbackRejected)",
                "FUTURE_TIMES_CLAMPED": "\(engineStats.futureTimesClamped)",
                "ALERTS_FIRING": "\(engineStats.firing)",
                "ALERTS_COALESCED": "\(engine.sync { engine in engine.announcer.suppressedTotal })",
                "ALERTS_SILENCED": "\(engineStats.silenced)",
                "JOURNAL_DROPPED": "\(JournalQueue.shared.droppedCount)",
            ]
        )
    }

    func reportJournalDrops() {
        let dropped = JournalQueue.shared.takeUnreportedDrops()
        guard dropped > 0 else { return }
        logger.warning(
            "\(dropped) journal entries were dropped because journald did not keep up",
            metadata: [JournalField.messageID: "\(MessageID.journalDropped)", "DROPPED_COUNT": "\(dropped)"]
        )
    }
}
