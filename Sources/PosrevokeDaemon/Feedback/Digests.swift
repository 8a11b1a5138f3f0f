import Dispatch
import Foundation
import Logging
import PosrevokeControl
import PosrevokeCore

/// Writes the daily feedback digest: one journal entry per unfinished plan about yesterday, once per day.
///
/// Sent days are recorded in the state store, so a restart neither repeats nor skips the day's digest.
final class Digests: Sendable {
    let queue = DispatchQueue(label: "posrevoke.digests")
    private let store: StateStore
    private let engine: Engine
    private let runner: JobRunner
    private let clock: any WallClock
    private let logger: Logger

    init(store: StateStore, engine: Engine, runner: JobRunner, clock: any WallClock, logger: Logger) {
        self.store = store
        self.engine = engine
        self.runner = runner
        self.clock = clock
        self.logger = logger
    }

    /// Writes the digests that are due and not yet sent. Call it often; it does nothing most of the time.
    func runIfDue() {
        dispatchPrecondition(condition: .onQueue(queue))
        let config = engine.sync { engine in engine.config.feedback }
        guard config.digest.enabled, let day = DigestSchedule(config: config.digest).dueDay(now: clock.now()) else {
            return
        }
        do {
            _ = try write(day: day, plans: nil, force: false)
        } catch {
            logger.error("cannot write the feedback digest for \(day): \(error)")
        }
    }

    /// Writes the digest of `day` for the given plans (every unfinished plan when nil).
    /// Without `force`, plans whose digest of that day was already sent are skipped.
    func write(day: String, plans wanted: [String]?, force: Bool) throws -> [DigestView] {
        let (config, cutovers) = engine.sync { engine in (engine.config, engine.feedbackCutovers()) }
        let schedule = DigestSchedule(config: config.feedback.digest)
        guard let interval = schedule.interval(of: day) else {
            throw ControlError("not a day: \(day) (use YYYY-MM-DD)")
        }
        var scopes = runner.sync { $0.feedbackScopes() }
        if let wanted {
            for plan in wanted where scopes[plan] == nil { throw ControlError("no unfinished plan '\(plan)'") }
            scopes = scopes.filter { wanted.contains($0.key) }
        }
        // Checked first, so the check every few seconds after the digest time costs one read per plan.
        if !force { scopes = try scopes.filter { try !store.digestSent(plan: $0.key, day: day) } }
        guard !scopes.isEmpty else { return [] }
        let entries = try store.feedback(from: interval.start, until: interval.end)
        var written: [DigestView] = []
        for (plan, scope) in scopes.sorted(by: { $0.key < $1.key }) {
            let mine = entries.filter { entry in
                entry.terminal.map(scope.terminals.contains) ?? scope.stores.contains(entry.store)
            }
            // The baseline of the same entries the day counts: the plan's terminals and its stores' own entries.
            let stats = try store.feedbackStats(
                terminals: cutovers.terminals.filter { scope.terminals.contains($0.key) },
                stores: cutovers.stores.filter { scope.stores.contains($0.key) },
                feedback: config.feedback,
                rule: config.detection.negativeFeedback,
                now: clock.now()
            )
            var baseline = FeedbackTally()
            for tally in stats.values { baseline.add(tally.baseline) }
            let digest = FeedbackDigest.build(
                plan: plan,
                day: day,
                entries: mine,
                baseline: baseline,
                config: config.feedback
            )
            var metadata: Logger.Metadata = [JournalField.messageID: "\(MessageID.feedbackDigest)"]
            for (name, value) in digest.fields { metadata[name] = "\(value)" }
            // Recorded first: a store that refuses writes must not turn into a digest every few seconds.
            try store.write { try StateStore.markDigestSent(plan: plan, day: day, at: clock.now(), $0) }
            logger.notice("\(digest.message)", metadata: metadata)
            written.append(DigestView(plan: plan, day: day, message: digest.message, fields: digest.fields))
        }
        return written
    }
}

extension JobRunner {
    /// The terminals and stores of every unfinished plan (active or paused), by plan id.
    /// With `finished`, completed and cancelled plans too.
    func feedbackScopes(finished: Bool = false) -> [String: (terminals: Set<String>, stores: Set<String>)] {
        dispatchPrecondition(condition: .onQueue(queue))
        var scopes: [String: (terminals: Set<String>, stores: Set<String>)] = [:]
        for plan in plans.values where finished || [.active, .paused].contains(plan.state.status) {
            scopes[plan.config.id] = ([], [])
        }
        for job in jobs.values where scopes[job.plan] != nil {
            scopes[job.plan]?.terminals.insert(job.terminal)
            scopes[job.plan]?.stores.insert(job.store)
        }
        return scopes
    }
}
