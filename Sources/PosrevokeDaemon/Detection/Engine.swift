import Dispatch
import Foundation
import GRDB
import Logging
import PosrevokeCore
import Synchronization

/// Turns poll results into durable state and alert transitions: an actor whose executor is its own serial queue.
///
/// Results that arrive while a commit is running are batched into the next one (group commit), so the
/// loop never waits for `fsync`. Each batch's transactions, cursors, detector memory, alert records and
/// outbox rows are committed together: a crash loses nothing that was acknowledged.
actor Engine: QueueActor {
    nonisolated let executor = QueueExecutor(queue: DispatchQueue(label: "posrevoke.engine"))
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let store: StateStore
    let inventory: Inventory
    let clock: any WallClock
    let logger: Logger
    let announcer: Announcer
    var config: DaemonConfig {
        didSet { terminals = TerminalTable(config.terminals) }
    }
    /// Cancellation states recorded by jobs; they override the inventory's (see `terminal(_:)`).
    var cutovers: [String: [CreditProvider: ProviderCancellation]] = [:]
    /// `config.terminals` by id.
    private(set) var terminals: TerminalTable
    private(set) var detectors: [String: TerminalDetector]
    /// The terminals whose detector is not quiet: with those that have alert records, all the clock can change.
    private(set) var noisy: Set<String>
    var alerts: AlertBook
    var acks: Set<String>
    var silences: [Silence]
    /// Poll results waiting for the next commit; filled from any thread, drained on `queue`.
    private let pending = Mutex<[PollResult]>([])
    /// Results arriving within this long share one SQLite transaction (and one fsync).
    static let commitDelay: DispatchTimeInterval = .milliseconds(50)
    var lastPrune = Date.distantPast
    var lastFeedbackEvaluation = Date.distantPast
    /// Called on the engine queue with the terminals whose results are now durable.
    var onCommitted: (@Sendable ([String]) -> Void)?
    /// What other queues may read without waiting for this one: firing count, counters, when a batch started.
    nonisolated let published = Mutex(EngineCounters())
    var counters = EngineCounters() {
        didSet { published.withLock { $0 = counters } }
    }

    init(
        config: DaemonConfig,
        store: StateStore,
        snapshot: StateStore.Snapshot,
        inventory: Inventory,
        clock: any WallClock,
        logger: Logger
    ) {
        self.config = config
        self.store = store
        self.inventory = inventory
        self.clock = clock
        self.logger = logger
        self.detectors = snapshot.detectors
        self.noisy = Set(snapshot.detectors.lazy.filter { !$0.value.isQuiet }.map(\.key))
        self.alerts = AlertBook(records: snapshot.alerts)
        self.acks = snapshot.acks
        self.silences = snapshot.silences
        self.announcer = Announcer(logger: logger, store: store, settings: config.alerts)
        inventory.setCursors(snapshot.cursors)
        inventory.setFeedbackCursors(snapshot.feedbackCursors)
        terminals = TerminalTable(config.terminals)
    }

    /// Hands over a poll result from any thread.
    nonisolated func submit(_ result: PollResult) {
        let first = pending.withLock { pending in
            pending.append(result)
            return pending.count == 1
        }
        if first { queue.asyncAfter(deadline: .now() + Self.commitDelay) { self.onQueue { $0.drain() } } }
    }

    private func drain() {
        let batch = pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        let now = clock.now()
        counters.busySince = now
        defer {
            counters.busySince = nil
            counters.firing = alerts.firingCount
        }
        var alerts = self.alerts
        var cursors: [String: Int64] = [:]
        var feedbackCursors: [String: Int64] = [:]
        var output = DetectionStep.Output()
        do {
            try store.write { db in
                // Transactions are deduplicated by the store first; the pure step judges what is new.
                var observations: [(terminal: Terminal, observation: DetectionStep.Observation)] = []
                for result in batch {
                    guard let terminal = terminal(result.terminal) else { continue }
                    switch result.page {
                    case .success(let page):
                        let fresh = try StateStore.insertNew(
                            page.transactions,
                            terminal: terminal.id,
                            receivedAt: now,
                            db
                        )
                        observations.append((terminal, .polled(fresh: fresh)))
                        // Most polls find nothing new: the stored cursor is already right.
                        if page.nextAfter != inventory.cursor(terminal.id) {
                            try StateStore.saveCursor(terminal.id, nextAfter: page.nextAfter, at: now, db)
                        }
                        cursors[terminal.id] = page.nextAfter
                        counters.transactions += fresh.count
                        counters.duplicates += page.transactions.count - fresh.count
                        counters.futureTimesClamped += page.futureTimesClamped
                        if let next = try ingestFeedback(result, terminal: terminal, now: now, db) {
                            feedbackCursors[terminal.id] = next
                        }
                    case .failure(let failure):
                        observations.append((terminal, .failed(reason: failure.reason)))
                        counters.failedPolls += 1
                    }
                }
                // Only the batch's detectors are read and returned: copying the whole fleet's on every commit cost
                // more than the polls.
                output = DetectionStep(config: config.detection).run(
                    observations,
                    detectors: detectors,
                    alerts: &alerts,
                    now: now
                )
                for record in output.alerts.changed { try StateStore.saveAlert(record, at: now, db) }
                for (terminal, detector) in output.detectors { try StateStore.saveDetector(terminal, detector, db) }
                try StateStore.enqueue(output.alerts.announcements, db)
            }
            keep(output.detectors)
            self.alerts = alerts
            inventory.setCursors(cursors)
            inventory.setFeedbackCursors(feedbackCursors)
            counters.commits += 1
        } catch {
            counters.failedCommits += 1
            logger.error(
                "cannot commit \(batch.count) poll results; they will be polled again: \(error)",
                metadata: [JournalField.messageID: "\(MessageID.storeWriteFailed)"]
            )
        }
        onCommitted?(batch.map(\.terminal))
    }

    /// Takes in changed detector memory, keeping `noisy` in step.
    func keep(_ changed: [String: TerminalDetector]) {
        detectors.merge(changed) { $1 }
        for (terminal, detector) in changed {
            if detector.isQuiet { noisy.remove(terminal) } else { noisy.insert(terminal) }
        }
    }

    /// Forgets a removed terminal's detector memory.
    func forgetDetector(_ terminal: String) {
        detectors[terminal] = nil
        noisy.remove(terminal)
    }

    /// Stores the feedback a poll brought back (new entries only) and returns the cursor to commit with it.
    private func ingestFeedback(_ result: PollResult, terminal: Terminal, now: Date, _ db: Database) throws -> Int64? {
        if result.feedbackUnsupported { inventory.markFeedbackUnsupported(terminal.id) }
        switch result.feedback {
        case nil:
            return nil
        case .failure(let failure)?:
            counters.feedbackFailures += 1
            logger.debug("cannot read feedback of \(terminal.id): \(failure.reason)")
            return nil
        case .success(let page)?:
            let records = page.feedback.filter { (1...5).contains($0.rating) }.map { entry in
                var record = FeedbackRecord(entry, terminal: terminal)
                record.category = record.category.lowercased()
                if !config.feedback.categories.contains(record.category) { record.category = "other" }
                return record
            }
            if records.count < page.feedback.count {
                counters.feedbackRejected += page.feedback.count - records.count
                let dropped = page.feedback.count - records.count
                logger.warning(
                    "\(terminal.id) sent \(dropped) feedback entries rated outside 1–5; they were not stored",
                    metadata: [JournalField.terminalID: "\(terminal.id)"]
                )
            }
            let fresh = try StateStore.insertFeedback(records, receivedAt: now, db)
            try StateStore.saveFeedbackCursor(terminal.id, nextAfter: page.nextAfter, at: now, db)
            counters.feedback += fresh.count
            counters.feedbackDuplicates += records.count - fresh.count
            counters.futureTimesClamped += page.futureTimesClamped
            return page.nextAfter
        }
    }

    func pruneTransactions(now: Date) {
        guard now.timeIntervalSince(lastPrune) >= 600 else { return }
        lastPrune = now
        let cutoff = now.addingTimeInterval(-config.store.transactionRetention.seconds)
        do {
            let removed = try store.write { try StateStore.prune(receivedBefore: cutoff, $0) }
            if removed > 0 { logger.info("pruned \(removed) transactions older than the retention period") }
            let feedbackCutoff = now.addingTimeInterval(-config.feedback.retention.seconds)
            let removedFeedback = try store.write { try StateStore.pruneFeedback(before: feedbackCutoff, $0) }
            if removedFeedback > 0 {
                logger.info("pruned \(removedFeedback) feedback entries older than the retention period")
            }
        } catch {
            logger.error("cannot prune old transactions and feedback: \(error)")
        }
    }
}
