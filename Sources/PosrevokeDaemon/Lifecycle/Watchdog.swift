import Dispatch
import Foundation
import Logging
import PosrevokeCore
import PosrevokeSystemd
import Synchronization

/// systemd's watchdog, fed from a queue of its own while every part that must make progress does: the poll loop
/// turns, and no commit, job-runner turn or journal write has been stuck for longer than a ping interval
/// (`StallCheck` decides). A stall is logged once and put in `STATUS=`; so is the recovery.
final class Watchdog: Sendable {
    /// Half of `WATCHDOG_USEC`, in nanoseconds: one `WATCHDOG=1` per interval.
    let interval: UInt64
    let queue = DispatchQueue(label: "posrevoke.watchdog")
    private let clock: SystemClock
    private let logger: Logger
    private let parts: @Sendable () -> StallCheck.Inputs
    private let recovered: @Sendable () -> Void
    private let state = Mutex(State())

    private struct State {
        /// When the poll loop last turned.
        var loopTurn: Date?
        /// When `WATCHDOG=1` was last sent.
        var lastPing = Date.distantPast
        /// The part last found stalled, so each stall is logged once.
        var reported: DaemonPart?
    }

    /// nil when systemd watches nothing (no `WATCHDOG_USEC`).
    /// - Parameters:
    ///   - parts: when each part other than the poll loop became busy with its current piece of work.
    ///   - recovered: called once a stalled part makes progress again (to publish a fresh `STATUS=`).
    init?(
        clock: SystemClock,
        logger: Logger,
        parts: @escaping @Sendable () -> StallCheck.Inputs,
        recovered: @escaping @Sendable () -> Void
    ) {
        guard let usec = ServiceNotifier.watchdogTimeoutMicroseconds() else { return nil }
        interval = usec * 1000 / 2
        self.clock = clock
        self.logger = logger
        self.parts = parts
        self.recovered = recovered
    }

    /// How often the poll loop must turn at least: four times per ping interval.
    var heartbeat: UInt64 { min(1_000_000_000, interval / 4) }

    /// The poll loop turned (called on the loop at every timer fire).
    func loopTurned() {
        let now = clock.now()
        state.withLock { $0.loopTurn = now }
    }

    /// Checked four times per ping interval on `queue`; pings at most once per interval.
    func check() {
        let now = clock.now()
        var inputs = parts()
        let limit = Double(interval) / 1e9
        let verdict = state.withLock { state -> StallCheck.Verdict in
            inputs.pollLoopLastTurn = state.loopTurn
            return StallCheck(limit: limit).verdict(inputs, now: now)
        }
        switch verdict {
        case .ping:
            let (ping, recovery) = state.withLock { state -> (Bool, DaemonPart?) in
                let ping = now.timeIntervalSince(state.lastPing) >= limit * 0.9
                if ping { state.lastPing = now }
                defer { state.reported = nil }
                return (ping, state.reported)
            }
            if ping { ServiceNotifier.send("WATCHDOG=1") }
            if let part = recovery {
                logger.notice(
                    "the \(part.rawValue) makes progress again; feeding the watchdog again",
                    metadata: [JournalField.messageID: "\(MessageID.watchdogWithheld)", "STALLED_PART": "none"]
                )
                recovered()
            }
        case .stalled(let part, let since):
            let first = state.withLock { state -> Bool in
                guard state.reported != part else { return false }
                state.reported = part
                return true
            }
            guard first else { return }
            let seconds = Int(now.timeIntervalSince(since))
            logger.critical(
                "the \(part.rawValue) has made no progress for \(seconds) s; no longer feeding the watchdog",
                metadata: [
                    JournalField.messageID: "\(MessageID.watchdogWithheld)", "STALLED_PART": "\(part.rawValue)",
                    "STALLED_SINCE": "\(since.formatted(.iso8601))",
                ]
            )
            // STATUS= reaches systemd even when the journal writer is the part that stalled.
            ServiceNotifier.send("STATUS=watchdog withheld: the \(part.rawValue) stalled \(seconds) s ago")
        }
    }
}
