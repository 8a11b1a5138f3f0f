import Foundation
import PosrevokeCore

/// What a scrape of `/metrics` reads: the loop, the engine and the job runner, each once.
extension Daemon {
    func metricsSnapshot() -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        loop.checkedSync {
            let line = statusLine()
            let stats = scheduler.onQueue { $0.snapshot() }
            snapshot.terminals = config.terminals.count
            snapshot.skippedBusy = stats.counters.skippedBusy
            snapshot.skippedLate = stats.counters.skippedLate
            snapshot.journalDropped = line.dropped
            snapshot.alertsUnwritten = line.unwritten
            snapshot.reloadOK = reloadState == "last reload ok"
            snapshot.configLoadedAt = configLoadedAt
        }
        snapshot.journalWritten = JournalQueue.shared.journalWrittenCount
        snapshot.backedOff = inventory.backedOffCount
        let counters = engine.published.withLock { $0 }
        snapshot.transactions = counters.transactions
        snapshot.duplicates = counters.duplicates
        snapshot.failedCommits = counters.failedCommits
        snapshot.alerts = engine.sync { engine in
            var counts: [String: Int] = [:]
            for record in engine.alertRecords {
                let state = record.machine.isFiring ? "firing" : record.machine.isPending ? "pending" : nil
                if let state { counts[record.key.kind.rawValue + " " + state, default: 0] += 1 }
            }
            return counts
        }
        (snapshot.plans, snapshot.jobs) = runner.sync { runner in (runner.counts().plans, runner.stepCounts()) }
        snapshot.platformCalls = CallCounts.platform.snapshot
        snapshot.tmsCalls = CallCounts.tms.snapshot
        snapshot.gatewayRequests = CallCounts.gateways.snapshot
        snapshot.callbacks = callbacks?.counts.withLock { $0 }
        return snapshot
    }
}
