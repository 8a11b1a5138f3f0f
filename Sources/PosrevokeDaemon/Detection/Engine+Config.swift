import Foundation
import PosrevokeCore

/// What the detectors judge against: the reloaded config and the cutovers jobs record.
extension Engine {
    /// Applies a reloaded config: thresholds take effect at the next evaluation; removed terminals are retired.
    func apply(_ newConfig: DaemonConfig) {
        let now = clock.now()
        let removed = Set(config.terminals.map(\.id)).subtracting(newConfig.terminals.map(\.id))
        config = newConfig
        announcer.apply(newConfig.alerts, now: now) { self.shouldWrite($0, now: now) }
        guard !removed.isEmpty else { return }
        var alerts = self.alerts
        let (update, removedKeys) = alerts.retire(terminals: removed, now: now)
        do {
            try store.write { db in
                for key in removedKeys { try StateStore.deleteAlert(key, db) }
                for terminal in removed { try StateStore.forgetTerminal(terminal, db) }
                try StateStore.enqueue(update.announcements, db)
            }
            self.alerts = alerts
            for terminal in removed {
                forgetDetector(terminal)
                inventory.forgetCursor(terminal)
            }
            counters.firing = self.alerts.firingCount
        } catch {
            logger.error("cannot retire removed terminals: \(error)")
        }
    }

    /// Job-recorded cutovers changed: detectors attribute post-cutover traffic from now on.
    func setCutovers(_ cutovers: [String: [CreditProvider: ProviderCancellation]]) {
        self.cutovers = cutovers
    }

    /// The effective terminal, with job-recorded cutovers applied.
    func terminal(_ id: String) -> Terminal? { terminals[id: id].map(effective) }

    /// Every inventory terminal, effective.
    var effectiveTerminals: [Terminal] { config.terminals.map(effective) }

    /// `terminal` with the cutovers its jobs recorded.
    func effective(_ terminal: Terminal) -> Terminal {
        guard let recorded = cutovers[terminal.id] else { return terminal }
        var effective = terminal
        for (provider, state) in recorded { effective.providers[provider] = state }
        return effective
    }
}
