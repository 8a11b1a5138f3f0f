import PosrevokeCore
import Synchronization

/// The terminals being polled and their committed cursors, shared by the loop (reads) and the engine (writes).
final class Inventory: Sendable {
    private struct State {
        var terminals: [String: Terminal] = [:]
        var cursors: [String: Int64] = [:]
    }

    private let state = Mutex(State())

    func replace(_ terminals: [Terminal]) {
        state.withLock { $0.terminals = Dictionary(uniqueKeysWithValues: terminals.map { ($0.id, $0) }) }
    }

    func terminal(_ id: String) -> Terminal? { state.withLock { $0.terminals[id] } }

    func cursor(_ id: String) -> Int64 { state.withLock { $0.cursors[id] ?? 0 } }

    func setCursors(_ cursors: [String: Int64]) { state.withLock { $0.cursors.merge(cursors) { $1 } } }

    func forgetCursor(_ id: String) { state.withLock { _ = $0.cursors.removeValue(forKey: id) } }
}
