import PosrevokeCore
import Synchronization

/// The terminals being polled and their committed cursors, shared by the loop (reads) and the engine (writes).
final class Inventory: Sendable {
    private struct State {
        var terminals: [String: Terminal] = [:]
        var cursors: [String: Int64] = [:]
        var feedbackCursors: [String: Int64] = [:]
        /// When each terminal was last asked for feedback (monotonic nanoseconds).
        var feedbackAsked: [String: UInt64] = [:]
        /// Terminals whose driver has no feedback to give; not asked again until the next reload.
        var feedbackUnsupported: Set<String> = []
    }

    private let state = Mutex(State())

    func replace(_ terminals: [Terminal]) {
        state.withLock { $0.terminals = Dictionary(uniqueKeysWithValues: terminals.map { ($0.id, $0) }) }
    }

    func terminal(_ id: String) -> Terminal? { state.withLock { $0.terminals[id] } }

    func cursor(_ id: String) -> Int64 { state.withLock { $0.cursors[id] ?? 0 } }

    func setCursors(_ cursors: [String: Int64]) { state.withLock { $0.cursors.merge(cursors) { $1 } } }

    func forgetCursor(_ id: String) {
        state.withLock {
            $0.cursors[id] = nil
            $0.feedbackCursors[id] = nil
            $0.feedbackAsked[id] = nil
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

    /// The poll failed before feedback was asked for: ask again at the next poll.
    func feedbackNotAsked(_ id: String) { state.withLock { _ = $0.feedbackAsked.removeValue(forKey: id) } }

    func markFeedbackUnsupported(_ id: String) { state.withLock { _ = $0.feedbackUnsupported.insert(id) } }

    func clearFeedbackUnsupported() { state.withLock { $0.feedbackUnsupported = [] } }
}
