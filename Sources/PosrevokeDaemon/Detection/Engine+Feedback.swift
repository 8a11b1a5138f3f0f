import Foundation
import PosrevokeCore

/// The `negative-feedback` rule and feedback that arrives outside polls, on the engine queue.
extension Engine {
    /// Cutovers to judge feedback against: each terminal's (with its store), and each store's first.
    func feedbackCutovers() -> FeedbackCutovers {
        var cutovers = FeedbackCutovers()
        for terminal in effectiveTerminals {
            guard let cutover = terminal.earliestCutover else { continue }
            cutovers.terminals[terminal.id] = (terminal.store, cutover)
            cutovers.stores[terminal.store] = min(cutovers.stores[terminal.store] ?? cutover, cutover)
        }
        return cutovers
    }

    /// Runs the rule once its `evaluate_interval` has passed since the last run.
    func evaluateFeedbackIfDue() {
        let now = clock.now()
        guard
            now.timeIntervalSince(lastFeedbackEvaluation) >= config.detection.negativeFeedback.evaluateInterval.seconds
        else { return }
        lastFeedbackEvaluation = now
        evaluateFeedback()
    }

    /// Counts each store's feedback and feeds the verdicts through the alert lifecycle.
    func evaluateFeedback() {
        let now = clock.now()
        let rule = config.detection.negativeFeedback
        let stats: [String: StoreFeedbackStats]
        do {
            let cutovers = feedbackCutovers()
            stats = try store.feedbackStats(
                terminals: cutovers.terminals,
                stores: cutovers.stores,
                feedback: config.feedback,
                rule: rule,
                now: now
            )
        } catch {
            logger.error("cannot count feedback for the negative-feedback rule: \(error)")
            return
        }
        var stores = Set(config.terminals.map(\.store))
        for record in alertRecords where record.key.kind == .negativeFeedback { stores.insert(record.key.terminal) }
        let known = Set(config.terminals.map(\.store))
        apply(
            external: stores.sorted().map { id in
                var condition = NegativeFeedbackRule.evaluate(store: id, stats: stats[id] ?? .init(), config: rule)
                if !known.contains(id) {
                    condition.active = false
                    condition.summary = "store \(id) left the inventory"
                }
                return (condition, id)
            }
        )
    }

    /// Stores feedback from an operator or a survey import; returns the entries that were new.
    func record(_ records: [FeedbackRecord]) throws -> [FeedbackRecord] {
        let now = clock.now()
        return try store.write { try StateStore.insertFeedback(records, receivedAt: now, $0) }
    }
}

/// The cutovers feedback is judged against.
struct FeedbackCutovers: Sendable {
    var terminals: [String: (store: String, cutover: Date)] = [:]
    var stores: [String: Date] = [:]

    /// The cutover of an entry: its terminal's for a terminal's entry, its store's first for a store-level one.
    func cutover(of record: FeedbackRecord) -> Date? {
        if let terminal = record.terminal { return terminals[terminal]?.cutover }
        return stores[record.store]
    }
}
