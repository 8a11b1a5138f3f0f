import Dispatch
import Foundation
import GRDB
import Logging
import PosrevokeCore
import Synchronization

/// Turns poll results into durable state and alert transitions, on its own serial queue.
///
/// Results that arrive while a commit is running are batched into the next one (group commit), so the
/// loop never waits for `fsync`. Each batch's transactions, cursors, detector memory, alert records and
/// outbox rows are committed together: a crash loses nothing that was acknowledged.
final class Engine: @unchecked Sendable {
    let queue = DispatchQueue(label: "posrevoke.engine")
    let store: StateStore
    private let inventory: Inventory
    let clock: any WallClock
    let logger: Logger
    let announcer: Announcer
    private(set) var config: DaemonConfig {
        didSet { rebuildTerminals() }
    }
    /// Cancellation states recorded by jobs; they override the inventory's.
    private var cutovers: [String: [CreditProvider: ProviderCancellation]] = [:] {
        didSet { rebuildTerminals() }
    }
    /// The inventory with job-recorded cutovers applied: what the detectors judge against.
    private(set) var terminals: [String: Terminal] = [:]
    private var detectors: [String: TerminalDetector]
    private var alerts: AlertBook
    private var acks: Set<String>
    private var silences: [Silence]
    /// Poll results waiting for the next commit; filled from any thread, drained on `queue`.
    private let pending = Mutex<[PollResult]>([])
    /// Results arriving within this long share one SQLite transaction (and one fsync).
    static let commitDelay: DispatchTimeInterval = .milliseconds(50)
    private var lastPrune = Date.distantPast
    var lastFeedbackEvaluation = Date.distantPast
    /// Called on the engine queue with the terminals whose results are now durable.
    var onCommitted: (@Sendable ([String]) -> Void)?
    /// What other queues may read without waiting for this one: firing count, counters, when a batch started.
    let published = Mutex(EngineCounters())
    private var counters = EngineCounters() {
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
        self.alerts = AlertBook(records: snapshot.alerts)
        self.acks = snapshot.acks
        self.silences = snapshot.silences
        self.announcer = Announcer(logger: logger, store: store, settings: config.alerts)
        inventory.setCursors(snapshot.cursors)
        inventory.setFeedbackCursors(snapshot.feedbackCursors)
        rebuildTerminals()
    }

    var firingCount: Int {
        dispatchPrecondition(condition: .onQueue(queue))
        return alerts.firingCount
    }

    var alertRecords: [AlertRecord] {
        dispatchPrecondition(condition: .onQueue(queue))
        return Array(alerts.records.values)
    }

    /// Hands over a poll result from any thread.
    func submit(_ result: PollResult) {
        let first = pending.withLock { pending in
            pending.append(result)
            return pending.count == 1
        }
        if first { queue.asyncAfter(deadline: .now() + Self.commitDelay) { self.drain() } }
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
        // Only the batch's detectors are copied: copying the whole fleet's on every commit cost more than the polls.
        var touched: [String: TerminalDetector] = [:]
        var alerts = self.alerts
        var cursors: [String: Int64] = [:]
        var feedbackCursors: [String: Int64] = [:]
        var announcements: [Announcement] = []
        do {
            try store.write { db in
                for result in batch {
                    guard let terminal = terminals[result.terminal] else { continue }
                    let before = touched[terminal.id] ?? detectors[terminal.id]
                    var detector = before ?? TerminalDetector()
                    switch result.page {
                    case .success(let page):
                        let fresh = try StateStore.insertNew(
                            page.transactions,
                            terminal: terminal.id,
                            receivedAt: now,
                            db
                        )
                        detector.ingest(fresh, terminal: terminal, observedAt: now)
                        detector.pollSucceeded()
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
                        detector.pollFailed(failure.reason)
                        counters.failedPolls += 1
                    }
                    detector.prune(now: now, config: config.detection)
                    let conditions = Rules.evaluate(detector, terminal: terminal, config: config.detection, now: now)
                    let update = alerts.apply(conditions, store: terminal.store, config: config.detection, now: now)
                    for record in update.changed { try StateStore.saveAlert(record, at: now, db) }
                    announcements += update.announcements
                    if detector != before { try StateStore.saveDetector(terminal.id, detector, db) }
                    touched[terminal.id] = detector
                }
                try StateStore.enqueue(announcements, db)
            }
            detectors.merge(touched) { $1 }
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

    /// Re-evaluates every terminal against the clock: windows expire, `for:` durations elapse, repeats fall due.
    func evaluateAll() {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.now()
        var alerts = self.alerts
        var update = AlertBook.Update()
        let watched = alerts.terminalsWithRecords
        for terminal in terminals.values {
            // Quiet terminals without alerts cannot change on the clock; their next poll evaluates them.
            guard watched.contains(terminal.id) || detectors[terminal.id]?.isQuiet == false else { continue }
            var detector = detectors[terminal.id] ?? TerminalDetector()
            detector.prune(now: now, config: config.detection)
            detectors[terminal.id] = detector
            let conditions = Rules.evaluate(detector, terminal: terminal, config: config.detection, now: now)
            let step = alerts.apply(conditions, store: terminal.store, config: config.detection, now: now)
            update.changed += step.changed
            update.announcements += step.announcements
        }
        commit(update, alerts: alerts, now: now)
        counters.firing = self.alerts.firingCount
        pruneTransactions(now: now)
    }

    /// Applies a reloaded config: thresholds take effect at the next evaluation; removed terminals are retired.
    func apply(_ newConfig: DaemonConfig) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.now()
        let removed = Set(config.terminals.map(\.id)).subtracting(newConfig.terminals.map(\.id))
        config = newConfig
        announcer.apply(newConfig.alerts, now: now) { self.shouldWrite($0, now: now) }
        guard !removed.isEmpty else { return }
        var alerts = self.alerts
        let (update, removedKeys) = alerts.retire(terminals: removed, now: now)
        do {
            try store.write { db in
                for key in removedKeys { try StateStore.deleteAlert(key, db) }
                for terminal in removed { try StateStore.forgetTerminal(terminal, db) }
                try StateStore.enqueue(update.announcements, db)
            }
            self.alerts = alerts
            for terminal in removed {
                detectors[terminal] = nil
                inventory.forgetCursor(terminal)
            }
            counters.firing = self.alerts.firingCount
        } catch {
            logger.error("cannot retire removed terminals: \(error)")
        }
    }

    /// Writes committed announcements (from the outbox) to the journal; call about once a second.
    func announce(now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        announcer.flush(now: now) { shouldWrite($0, now: now) }
        counters.unwritten = announcer.unwritten
    }

    /// Whether an announcement is written: not when silenced, nor when it repeats an acknowledged alert.
    /// Its outbox row is cleared either way.
    private func shouldWrite(_ announcement: Announcement, now: Date) -> Bool {
        let key = announcement.key.description
        if announcement.phase == .resolved { acks.remove(key) }
        if silences.contains(where: { $0.matches(announcement.key, store: announcement.store, at: now) })
            || (announcement.isRepeat && acks.contains(key))
        {
            counters.silenced += 1
            return false
        }
        return true
    }

    /// Operator: stop repeats of a firing alert until it resolves.
    func acknowledge(_ key: AlertKey, by: String, comment: String) throws {
        dispatchPrecondition(condition: .onQueue(queue))
        guard alerts.records[key]?.machine.isFiring == true else { throw ControlError("alert \(key) is not firing") }
        try store.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO ack (key, by, comment, at) VALUES (?, ?, ?, ?)",
                arguments: [key.description, by, comment, clock.now().timeIntervalSince1970]
            )
        }
        acks.insert(key.description)
    }

    /// Operator: write no announcements matching `silence` until it ends. Alert state is still kept.
    /// Returns the silence as stored, with its id.
    @discardableResult
    func add(_ silence: Silence) throws -> Silence {
        dispatchPrecondition(condition: .onQueue(queue))
        var stored = silence
        stored.createdAt = clock.now()
        stored.id = try store.write { db in
            try db.execute(
                sql: "INSERT INTO silence (matcher, until, comment, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    stored.matcher, stored.until.timeIntervalSince1970, stored.comment,
                    stored.createdAt.timeIntervalSince1970, stored.createdBy,
                ]
            )
            return db.lastInsertedRowID
        }
        silences.append(stored)
        return stored
    }

    /// Operator: the silences still in force, oldest first.
    func activeSilences() -> [Silence] {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.now()
        return silences.filter { $0.until > now }
    }

    /// Operator: lift silence `id` at once; announcements it held back are not written afterwards.
    func lift(silence id: Int64) throws -> Silence {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let silence = silences.first(where: { $0.id == id && $0.until > clock.now() }) else {
            throw ControlError("no silence \(id) in force (posrevokectl alerts silences lists them)")
        }
        try store.write { db in try db.execute(sql: "DELETE FROM silence WHERE id = ?", arguments: [id]) }
        silences.removeAll { $0.id == id }
        return silence
    }

    func isAcknowledged(_ key: AlertKey) -> Bool { acks.contains(key.description) }

    func isSilenced(_ record: AlertRecord) -> Bool {
        silences.contains { $0.matches(record.key, store: record.store, at: clock.now()) }
    }

    /// Job-recorded cutovers changed: detectors attribute post-cutover traffic from now on.
    func setCutovers(_ cutovers: [String: [CreditProvider: ProviderCancellation]]) {
        dispatchPrecondition(condition: .onQueue(queue))
        self.cutovers = cutovers
    }

    /// Alert conditions raised outside the detectors (jobs, plans), with the store each belongs to.
    func apply(external conditions: [(condition: Condition, store: String)]) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.now()
        var alerts = self.alerts
        var update = AlertBook.Update()
        for (condition, store) in conditions {
            let step = alerts.apply([condition], store: store, config: config.detection, now: now)
            update.changed += step.changed
            update.announcements += step.announcements
        }
        commit(update, alerts: alerts, now: now)
        counters.firing = self.alerts.firingCount
    }

    /// Keys of the alerts firing now, for health gates.
    var firingKeys: Set<AlertKey> {
        dispatchPrecondition(condition: .onQueue(queue))
        return Set(alerts.records.values.filter(\.machine.isFiring).map(\.key))
    }

    /// Keys of the alerts pending (inside their `for:`) or firing now, for health gates.
    var alertingKeys: Set<AlertKey> {
        dispatchPrecondition(condition: .onQueue(queue))
        return Set(alerts.records.values.filter { $0.machine.isFiring || $0.machine.isPending }.map(\.key))
    }

    /// The effective terminal, with job-recorded cutovers applied.
    func terminal(_ id: String) -> Terminal? {
        dispatchPrecondition(condition: .onQueue(queue))
        return terminals[id]
    }

    private func rebuildTerminals() {
        terminals = Dictionary(
            uniqueKeysWithValues: config.terminals.map { terminal in
                var effective = terminal
                for (provider, state) in cutovers[terminal.id] ?? [:] { effective.providers[provider] = state }
                return (terminal.id, effective)
            }
        )
    }

    private func commit(_ update: AlertBook.Update, alerts: AlertBook, now: Date) {
        guard !update.changed.isEmpty || !update.announcements.isEmpty else {
            self.alerts = alerts
            return
        }
        do {
            try store.write { db in
                for record in update.changed { try StateStore.saveAlert(record, at: now, db) }
                try StateStore.enqueue(update.announcements, db)
            }
            self.alerts = alerts
        } catch {
            logger.error("cannot save alert state; will retry at the next evaluation: \(error)")
        }
    }

    private func pruneTransactions(now: Date) {
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

/// What the engine has done since start.
struct EngineCounters: Sendable {
    var firing = 0
    /// Announcements not written because they were silenced or repeats of acknowledged alerts.
    var silenced = 0
    /// When the batch being committed started; the watchdog stops pinging if a commit wedges.
    var busySince: Date?
    var commits = 0
    var failedCommits = 0
    var transactions = 0
    var duplicates = 0
    var failedPolls = 0
    var feedback = 0
    var feedbackDuplicates = 0
    var feedbackFailures = 0
    var feedbackRejected = 0
    /// Alert entries committed to the outbox and not yet written to the journal.
    var unwritten = 0
    /// Entries an agent dated more than `AgentDecoding.futureSkew` ahead of the daemon's clock (clamped to it).
    var futureTimesClamped = 0
}
