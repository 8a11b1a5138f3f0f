import Foundation
import PosrevokeCore
import PosrevokeSystemd

/// The live line systemd shows (`STATUS=`), from the scheduler's and the engine's published figures.
extension Daemon {
    func statusLine() -> StatusLine {
        let stats = scheduler.onQueue { $0.snapshot() }
        let engineStats = engine.published.withLock { $0 }
        return StatusLine(
            terminals: stats.terminals,
            firing: engineStats.firing,
            reload: reloadState,
            skipped: stats.counters.skippedBusy + stats.counters.skippedLate,
            dropped: JournalQueue.shared.droppedCount,
            storeFailures: engineStats.failedCommits,
            unwritten: engineStats.unwritten,
            journalError: Self.journalError(JournalQueue.shared.durableStatus),
            simulated: simulatedCount
        )
    }

    static func simulated(_ config: DaemonConfig) -> Int {
        config.terminals.filter { $0.driver == "simulated" }.count
    }

    /// Why alert entries are not being written, for `STATUS=`: the errno's name and since when.
    static func journalError(_ status: JournalQueue.DurableStatus) -> String? {
        guard let since = status.failingSince else { return nil }
        let name = String(cString: strerror(-status.lastError))
        return "\(name) since \(since.formatted(.iso8601.time(includingFractionalSeconds: false)))"
    }

    func publishStatus() {
        guard phase != .stopping else { return }
        ServiceNotifier.send("STATUS=\(statusLine().text)")
    }
}
