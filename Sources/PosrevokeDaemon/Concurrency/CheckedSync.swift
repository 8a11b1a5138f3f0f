import Dispatch

extension DispatchQueue {
    /// `sync` for the daemon's serial queues, which checks first that the caller is not already on this queue: a
    /// re-entrant `sync` would deadlock in silence, this stops the process with a message instead. Every `sync` in
    /// the daemon goes through here; the order the queues may wait on each other is in docs/architecture.md.
    func checkedSync<T>(execute work: () throws -> T) rethrows -> T {
        dispatchPrecondition(condition: .notOnQueue(self))
        return try sync(execute: work)
    }
}
