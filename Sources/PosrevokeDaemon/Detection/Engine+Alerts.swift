import Foundation
import PosrevokeCore

/// The alert book: re-evaluation on the clock, conditions raised by jobs and plans, and what health gates and
/// `posrevokectl alerts` read.
extension Engine {
    var firingCount: Int {
        return alerts.firingCount
    }

    var alertRecords: [AlertRecord] {
        return Array(alerts.records.values)
    }

    /// Re-evaluates every terminal against the clock: windows expire, `for:` durations elapse, repeats fall due.
    func evaluateAll() {
        let now = clock.now()
        var alerts = self.alerts
        let watched = alerts.terminalsWithRecords
        // Quiet terminals without alerts cannot change on the clock; their next poll evaluates them. Visiting only
        // the others keeps this second's work to the few that matter, not the whole fleet.
        let observed = watched.union(noisy).sorted().compactMap(terminal)
        let output = DetectionStep(config: config.detection).run(
            observed.map { ($0, .clock) },
            detectors: detectors,
            alerts: &alerts,
            now: now
        )
        // Pruned memory is kept in memory only; the next commit of the terminal saves it.
        keep(output.detectors)
        let update = output.alerts
        commit(update, alerts: alerts, now: now)
        counters.firing = self.alerts.firingCount
        pruneTransactions(now: now)
    }

    /// Alert conditions raised outside the detectors (jobs, plans), with the store each belongs to.
    func apply(external conditions: [(condition: Condition, store: String)]) {
        let now = clock.now()
        var alerts = self.alerts
        var update = AlertBook.Update()
        for (condition, store) in conditions {
            let step = alerts.apply([condition], store: store, config: config.detection, now: now)
            update.changed += step.changed
            update.announcements += step.announcements
        }
        commit(update, alerts: alerts, now: now)
        counters.firing = self.alerts.firingCount
    }

    /// Keys of the alerts firing now, for health gates.
    var firingKeys: Set<AlertKey> {
        return Set(alerts.records.values.filter(\.machine.isFiring).map(\.key))
    }

    /// Keys of the alerts pending (inside their `for:`) or firing now, for health gates.
    var alertingKeys: Set<AlertKey> {
        return Set(alerts.records.values.filter { $0.machine.isFiring || $0.machine.isPending }.map(\.key))
    }

    func commit(_ update: AlertBook.Update, alerts: AlertBook, now: Date) {
        guard !update.changed.isEmpty || !update.announcements.isEmpty else {
            self.alerts = alerts
            return
        }
        do {
            try store.write { db in
                for record in update.changed { try StateStore.saveAlert(record, at: now, db) }
                try StateStore.enqueue(update.announcements, db)
            }
            self.alerts = alerts
        } catch {
            logger.error("cannot save alert state; will retry at the next evaluation: \(error)")
        }
    }
}
