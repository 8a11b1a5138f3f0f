import PosrevokeCore
import Synchronization

/// The terminals being polled and their committed cursors, shared by the loop (reads) and the engine (writes).
package final class Inventory: Sendable {
    private struct State {
        var terminals = TerminalTable()
        var cursors: [String: Int64] = [:]
        var feedbackCursors: [String: Int64] = [:]
        /// When each terminal was last asked for feedback (monotonic nanoseconds).
        var feedbackAsked: [String: UInt64] = [:]
        /// Terminals whose driver has no feedback to give; not asked again until the next reload.
        var feedbackUnsupported: Set<String> = []
        /// Failed polls in a row, and polls passed over since the last try, per terminal.
        var failures: [String: Int] = [:]
        var passedOver: [String: Int] = [:]
        var backedOff = 0
    }

    private let state = Mutex(State())

    package init() {}

    func replace(_ terminals: [Terminal]) {
        let table = TerminalTable(terminals)
        state.withLock { $0.terminals = table }
    }

    func terminal(_ id: String) -> Terminal? { state.withLock { $0.terminals[id: id] } }

    func cursor(_ id: String) -> Int64 { state.withLock { $0.cursors[id] ?? 0 } }

    func setCursors(_ cursors: [String: Int64]) { state.withLock { $0.cursors.merge(cursors) { $1 } } }

    func forgetCursor(_ id: String) {
        state.withLock {
            $0.cursors[id] = nil
            $0.feedbackCursors[id] = nil
            $0.feedbackAsked[id] = nil
            $0.failures[id] = nil
            $0.passedOver[id] = nil
        }
    }

    func setFeedbackCursors(_ cursors: [String: Int64]) {
        state.withLock { $0.feedbackCursors.merge(cursors) { $1 } }
    }

    /// The feedback cursor if this poll should also ask for feedback (at most once per `interval`), else nil.
    /// Asking counts from now, whether or not the answer comes.
    func feedbackCursorIfDue(_ id: String, now: UInt64, interval: Duration) -> Int64? {
        state.withLock { state in
            guard !state.feedbackUnsupported.contains(id) else { return nil }
            if let last = state.feedbackAsked[id], now &- last < UInt64(interval.nanoseconds) { return nil }
            state.feedbackAsked[id] = now
            return state.feedbackCursors[id] ?? 0
        }
    }

    package func recordPoll(_ id: String, succeeded: Bool) {
        state.withLock { state in
            if succeeded {
                state.failures[id] = nil
                state.passedOver[id] = nil
            } else {
                state.failures[id, default: 0] += 1
                // Feedback is only asked for after a good transaction answer: ask again at the next poll.
                state.feedbackAsked[id] = nil
            }
        }
    }

    /// Backoff for a terminal that keeps failing: once `threshold` polls in a row failed it is tried every 2nd,
    /// then every 4th, then every 8th interval, so a dead terminal does not hold a poll slot for a whole timeout
    /// at every tick. One answer puts it back on its normal schedule.
    package func shouldPassOver(_ id: String, threshold: Int) -> Bool {
        state.withLock { state in
            let failures = state.failures[id] ?? 0
            guard failures >= threshold else { return false }
            let every = 1 << min(failures - threshold + 1, 3)
            let passed = state.passedOver[id, default: 0] + 1
            if passed < every {
                state.passedOver[id] = passed
                state.backedOff += 1
                return true
            }
            state.passedOver[id] = 0
            return false
        }
    }

    /// Polls passed over by the backoff since start.
    package var backedOffCount: Int { state.withLock { $0.backedOff } }

    func markFeedbackUnsupported(_ id: String) { state.withLock { _ = $0.feedbackUnsupported.insert(id) } }

    func clearFeedbackUnsupported() { state.withLock { $0.feedbackUnsupported = [] } }
}
