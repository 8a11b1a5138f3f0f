import Dispatch
import Foundation
import PosrevokeControl
import PosrevokeCore
import PosrevokeSystemd

extension Daemon {
    // MARK: Stop

    /// Stops polling, waits briefly for running polls to commit, writes what is queued, and exits 0.
    func stop(signal: String) {
        dispatchPrecondition(condition: .onQueue(loop))
        guard phase != .stopping else { return }
        phase = .stopping
        ServiceNotifier.send("STOPPING=1\nSTATUS=stopping (\(signal))")
        logger.notice(
            "stopping on \(signal)",
            metadata: [JournalField.messageID: "\(MessageID.daemonStopping)", "SIGNAL": "\(signal)"]
        )
        scheduler.onQueue { $0.stop() }
        control?.close()
        let deadline = clock.nanoseconds() + 5_000_000_000
        waitForPolls(until: deadline)
    }

    private func waitForPolls(until deadline: UInt64) {
        if scheduler.onQueue({ $0.runningCount }) > 0 && clock.nanoseconds() < deadline {
            loop.asyncAfter(deadline: .now() + .milliseconds(20)) { self.waitForPolls(until: deadline) }
            return
        }
        engine.sync { engine in
            engine.evaluateAll()
            engine.announce(now: clock.now().addingTimeInterval(3600))
        }
        // Alert entries journald does not take now stay in the outbox and are written after the restart.
        JournalQueue.shared.flush(timeout: 3)
        exit(0)
    }
}
