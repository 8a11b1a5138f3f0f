public import Foundation

/// A part of the daemon that must keep making progress for systemd's watchdog to be fed.
public enum DaemonPart: String, Sendable, CaseIterable, Equatable {
    case pollLoop = "poll loop"
    case engineCommit = "engine commit"
    case jobRunner = "job runner"
    case journalWriter = "journal writer"
}

/// Whether to send `WATCHDOG=1`: only while every part that must make progress does. Pure; the daemon gathers
/// the inputs and acts on the verdict.
///
/// The poll loop counts as stalled when it has not turned for longer than `limit`; the other parts when one piece
/// of work has kept them busy for longer than `limit` (idle is fine: an engine with nothing to commit is not stuck).
public struct StallCheck: Sendable, Equatable {
    /// How long a part may go without progress; the daemon uses half of `WATCHDOG_USEC`.
    public var limit: TimeInterval

    public init(limit: TimeInterval) { self.limit = limit }

    /// What the daemon knows about its parts at one moment.
    public struct Inputs: Sendable, Equatable {
        /// When the poll loop last turned (nil before its first turn: start-up is not a stall).
        public var pollLoopLastTurn: Date?
        /// When the engine's running commit began, nil when it is not committing.
        public var engineBusySince: Date?
        /// When the job runner's running turn began, nil between turns.
        public var jobRunnerBusySince: Date?
        /// When the journal writer started on the entry it is writing, nil when it waits for entries.
        public var journalWriterBusySince: Date?

        public init(
            pollLoopLastTurn: Date? = nil,
            engineBusySince: Date? = nil,
            jobRunnerBusySince: Date? = nil,
            journalWriterBusySince: Date? = nil
        ) {
            self.pollLoopLastTurn = pollLoopLastTurn
            self.engineBusySince = engineBusySince
            self.jobRunnerBusySince = jobRunnerBusySince
            self.journalWriterBusySince = journalWriterBusySince
        }
    }

    public enum Verdict: Sendable, Equatable {
        /// Every part makes progress: feed the watchdog.
        case ping
        /// This part has made no progress since then (the longest-stalled one when several are): withhold.
        case stalled(DaemonPart, since: Date)
    }

    public func verdict(_ inputs: Inputs, now: Date) -> Verdict {
        let since: [(DaemonPart, Date?)] = [
            (.pollLoop, inputs.pollLoopLastTurn),
            (.engineCommit, inputs.engineBusySince),
            (.jobRunner, inputs.jobRunnerBusySince),
            (.journalWriter, inputs.journalWriterBusySince),
        ]
        let stalled = since.compactMap { part, date in date.map { (part, $0) } }
            .filter { now.timeIntervalSince($0.1) > limit }
        // The oldest first; on a tie, the order above (the poll loop before what it waits on).
        guard let worst = stalled.min(by: { $0.1 < $1.1 }) else { return .ping }
        return .stalled(worst.0, since: worst.1)
    }
}
