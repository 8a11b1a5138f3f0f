import Foundation
import PosrevokeSystemd
import Synchronization

/// A bounded queue in front of `sd_journal_sendv`, drained by one thread.
///
/// journald can block a sender when it is backed up; the poll loop must never wait for it. When the queue is
/// full the newest entry is dropped and counted; the count is reported in the status line and in the journal.
package final class JournalQueue: Sendable {
    package typealias Entry = [(name: String, value: String)]

    static let shared = JournalQueue(capacity: 4096)

    private struct State {
        var entries: [Entry] = []
        var dropped = 0
        var reportedDrops = 0
        var sent = 0
        var busy = false
    }

    let capacity: Int
    private let state = Mutex(State())
    private let condition = NSCondition()

    package init(capacity: Int) {
        self.capacity = capacity
        let thread = Thread { [weak self] in
            while let queue = self { queue.drainOnce() }
        }
        thread.name = "journal-writer"
        thread.start()
    }

    package var droppedCount: Int { state.withLock { $0.dropped } }
    var sentCount: Int { state.withLock { $0.sent } }

    /// Queues one entry; returns false (and counts a drop) when the queue is full.
    @discardableResult
    package func enqueue(_ entry: Entry) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard state.entries.count < capacity else {
                state.dropped += 1
                return false
            }
            state.entries.append(entry)
            return true
        }
        if accepted {
            condition.lock()
            condition.signal()
            condition.unlock()
        }
        return accepted
    }

    /// Blocks until everything queued so far was handed to journald, or `timeout` passes.
    func flush(timeout: TimeInterval) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let idle = state.withLock { $0.entries.isEmpty && !$0.busy }
            if idle { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Drops not yet reported, for a periodic "entries were dropped" notice; resets the reported mark.
    package func takeUnreportedDrops() -> Int {
        state.withLock { state in
            let fresh = state.dropped - state.reportedDrops
            state.reportedDrops = state.dropped
            return fresh
        }
    }

    /// Sends what is queued, or waits briefly for more.
    private func drainOnce() {
        let batch = state.withLock { state -> [Entry] in
            let batch = state.entries
            state.entries.removeAll(keepingCapacity: true)
            state.busy = !batch.isEmpty
            return batch
        }
        guard !batch.isEmpty else {
            condition.lock()
            _ = condition.wait(until: Date().addingTimeInterval(0.05))
            condition.unlock()
            return
        }
        for entry in batch { JournalSender.send(entry) }
        state.withLock {
            $0.sent += batch.count
            $0.busy = false
        }
    }
}
