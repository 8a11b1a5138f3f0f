import Foundation
import GRDB
import Logging
import PosrevokeCore

/// Writes alert transitions to the log (and so to journald), through flood control, and clears them from the
/// outbox once written. Lives on the engine queue.
final class Announcer {
    private let logger: Logger
    private let store: StateStore
    private var flood: FloodControl
    private var pending: [Announcement] = []
    private var unconfirmed: [Int64] = []
    private(set) var written = 0

    init(logger: Logger, store: StateStore, settings: AlertsSection) {
        self.logger = logger
        self.store = store
        self.flood = FloodControl(
            burst: settings.burst,
            ratePerSecond: settings.ratePerSecond,
            summaryInterval: settings.summaryInterval
        )
    }

    var suppressedTotal: Int { flood.suppressedTotal }

    /// New flood settings from a reload; an open storm is announced first so nothing held is lost.
    func apply(_ settings: AlertsSection, now: Date) {
        let current = (Int(flood.burst), flood.ratePerSecond, flood.summaryInterval)
        guard current != (settings.burst, settings.ratePerSecond, settings.summaryInterval) else { return }
        flush(now: now.addingTimeInterval(flood.summaryInterval.seconds))
        flood = FloodControl(
            burst: settings.burst,
            ratePerSecond: settings.ratePerSecond,
            summaryInterval: settings.summaryInterval
        )
    }

    /// Takes announcements already committed to the outbox under `ids`.
    func submit(_ announcements: [Announcement], outboxIDs ids: [Int64]) {
        pending += announcements
        unconfirmed += ids
    }

    /// Writes what flood control admits; call about once a second.
    func flush(now: Date) {
        let batch = pending
        pending = []
        for emission in flood.admit(batch, now: now) {
            switch emission {
            case .single(let announcement):
                log(announcement.message, priority: announcement.priority, fields: announcement.fields)
            case .summary(let summary):
                log(summary.message, priority: summary.priority, fields: summary.fields)
            }
            written += 1
        }
        guard !flood.inStorm, !unconfirmed.isEmpty else { return }
        let ids = unconfirmed
        do {
            try store.write { try StateStore.dequeue(ids, $0) }
            unconfirmed = []
        } catch {
            logger.error("cannot clear the alert outbox: \(error)")
        }
    }

    private func log(_ message: String, priority: Int, fields: [String: String]) {
        var metadata: Logger.Metadata = fields.mapValues { .string($0) }
        metadata["PRIORITY"] = .string(String(priority))
        let level: Logger.Level = priority <= 2 ? .critical : (priority <= 4 ? .warning : .notice)
        logger.log(level: level, "\(message)", metadata: metadata)
    }
}
