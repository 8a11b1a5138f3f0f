package import Foundation
import PosrevokeSystemd
import Synchronization

/// The one thread that writes to journald, with two lanes in front of it.
///
/// Log lines go through a bounded lane: when journald cannot keep up they are dropped and counted, so the poll
/// loop never waits for it. Alert entries go through the durable lane: never dropped, written in order, retried
/// with backoff while journald refuses them, and reported as written (`onWritten`) only after `sd_journal_sendv`
/// returned success, so their outbox rows are deleted only then.
package final class JournalQueue: Sendable {
    package typealias Entry = [(name: String, value: String)]

    /// One alert entry, and the outbox rows that may go once it (and everything before it) is written.
    /// An entry without fields writes nothing and only settles its rows (silenced announcements).
    package struct DurableEntry: Sendable {
        package var fields: Entry?
        package var settles: [Int64]

        package init(fields: Entry?, settles: [Int64]) {
            self.fields = fields
            self.settles = settles
        }
    }

    /// How the durable lane is doing, for `STATUS=` and `posrevokectl status`.
    package struct DurableStatus: Sendable, Equatable {
        /// Alert entries handed over and not yet written.
        package var held = 0
        /// When writes started failing, or nil while they succeed.
        package var failingSince: Date?
        /// The last error, as a negative errno.
        package var lastError: Int32 = 0
        /// Alert entries written since start.
        package var written = 0
    }

    static let shared = JournalQueue(capacity: 4096)
    /// libsystemd reports success when this socket does not exist ("no journal, fail silently"); an alert entry
    /// is only counted as written when it does.
    static let socketPath = "/run/systemd/journal/socket"
    /// Backoff between attempts while journald refuses entries.
    static let retryDelays: [TimeInterval] = [0.1, 0.2, 0.5, 1, 2, 5]
    /// Durable entries taken per turn, and settled (deleted from the outbox) together.
    static let durableBatch = 256

    private struct State {
        var entries: [Entry] = []
        var dropped = 0
        var reportedDrops = 0
        var sent = 0
        /// Log lines and alert entries journald took (not those only written to the console).
        var journalWritten = 0
        var busy = false
        var durable: [DurableEntry] = []
        var durableStatus = DurableStatus()
        /// Rows written but not yet confirmed deleted by `onWritten`.
        var unsettled: [Int64] = []
        var journal = true
        var console = false
        var onWritten: (@Sendable ([Int64]) -> Bool)?
        var failures = 0
        /// Set while the writer is blocked in, or between, sends; for the watchdog.
        var busySince: Date?
    }

    let capacity: Int
    private let state = Mutex(State())
    private let condition = NSCondition()
    private let sender: @Sendable (Entry) -> Int32
    private let socketExists: @Sendable () -> Bool

    /// - Parameters:
    ///   - sender: writes one entry; returns 0 or a negative errno (`sd_journal_sendv` by default). A seam for tests.
    ///   - socketExists: whether journald's socket is there (a seam for tests).
    package init(
        capacity: Int,
        sender: @escaping @Sendable (Entry) -> Int32 = { JournalSender.send($0) },
        socketExists: @escaping @Sendable () -> Bool = { access(JournalQueue.socketPath, F_OK) == 0 }
    ) {
        self.capacity = capacity
        self.sender = sender
        self.socketExists = socketExists
        let thread = Thread { [weak self] in
            while let queue = self { queue.drainOnce() }
        }
        thread.name = "journal-writer"
        thread.start()
    }

    package var droppedCount: Int { state.withLock { $0.dropped } }
    var sentCount: Int { state.withLock { $0.sent } }
    /// Entries journald took since start, for `/metrics`.
    package var journalWrittenCount: Int { state.withLock { $0.journalWritten } }
    package var durableStatus: DurableStatus { state.withLock { $0.durableStatus } }
    /// When the writer started its current turn, if one is under way; a stuck journald shows here.
    package var busySince: Date? { state.withLock { $0.busySince } }

    /// Where entries go: the journal, stderr, or both (from `--log-target`).
    package func configure(journal: Bool, console: Bool) {
        state.withLock {
            $0.journal = journal
            $0.console = console
        }
    }

    /// Called on the writer thread with outbox rows whose entries are written; returns whether they were deleted.
    /// Rows it could not delete are offered again with the next ones.
    package func setOnWritten(_ handler: @escaping @Sendable ([Int64]) -> Bool) {
        state.withLock { $0.onWritten = handler }
    }

    /// Queues one log line; returns false (and counts a drop) when the queue is full.
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
        if accepted { wake() }
        return accepted
    }

    /// Queues alert entries; they are never dropped.
    package func enqueueDurable(_ entries: [DurableEntry]) {
        guard !entries.isEmpty else { return }
        state.withLock {
            $0.durable += entries
            $0.durableStatus.held += entries.filter { $0.fields != nil }.count
        }
        wake()
    }

    /// Blocks until everything queued so far was written and settled, or `timeout` passes.
    /// Returns whether it got there.
    @discardableResult
    package func flush(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let idle = state.withLock {
                $0.entries.isEmpty && $0.durable.isEmpty && $0.unsettled.isEmpty && !$0.busy
            }
            if idle { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    /// Drops not yet reported, for a periodic "entries were dropped" notice; resets the reported mark.
    package func takeUnreportedDrops() -> Int {
        state.withLock { state in
            let fresh = state.dropped - state.reportedDrops
            state.reportedDrops = state.dropped
            return fresh
        }
    }

    private func wake() {
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    private func sleep(_ seconds: TimeInterval) {
        condition.lock()
        _ = condition.wait(until: Date().addingTimeInterval(seconds))
        condition.unlock()
    }

    /// One turn: log lines first, then alert entries in order until one fails; then settles what was written.
    private func drainOnce() {
        let (batch, durable, busy, journal, console) = state.withLock { state in
            let batch = state.entries
            state.entries.removeAll(keepingCapacity: true)
            let durable = Array(state.durable.prefix(Self.durableBatch))
            state.busy = !batch.isEmpty || !durable.isEmpty || !state.unsettled.isEmpty
            if state.busy { state.busySince = Date() }
            return (batch, durable, state.busy, state.journal, state.console)
        }
        guard busy else {
            sleep(0.05)
            return
        }
        var failed = 0
        // Log lines reach the console from the handler itself; only the journal is written here.
        for entry in batch where journal && sender(entry) < 0 { failed += 1 }
        var written = 0
        var settled: [Int64] = []
        var error: Int32 = 0
        for item in durable {
            if let fields = item.fields {
                if journal {
                    let result = sender(fields)
                    error = result < 0 ? result : (socketExists() ? 0 : -ENOENT)
                    if error != 0 { break }
                }
                if console { JournalLogHandler.writeConsole(fields: fields) }
            }
            written += 1
            settled += item.settles
        }
        let (onWritten, toSettle) = state.withLock { state in
            state.sent += batch.count - failed
            state.dropped += failed
            state.durable.removeFirst(written)
            state.unsettled += settled
            let wroteEntries = durable.prefix(written).filter { $0.fields != nil }.count
            state.durableStatus.held -= wroteEntries
            state.durableStatus.written += wroteEntries
            if journal { state.journalWritten += batch.count - failed + wroteEntries }
            if error != 0 {
                state.failures += 1
                state.durableStatus.lastError = error
                if state.durableStatus.failingSince == nil { state.durableStatus.failingSince = Date() }
            } else {
                state.failures = 0
                state.durableStatus.failingSince = nil
            }
            return (state.onWritten, state.unsettled)
        }
        if !toSettle.isEmpty {
            let deleted = onWritten?(toSettle) ?? true
            state.withLock { state in
                if deleted { state.unsettled.removeFirst(min(toSettle.count, state.unsettled.count)) }
            }
            if !deleted { sleep(1) }
        }
        state.withLock {
            $0.busy = false
            $0.busySince = nil
        }
        if error != 0 {
            let failures = state.withLock { $0.failures }
            sleep(Self.retryDelays[min(failures, Self.retryDelays.count) - 1])
        }
    }
}
