public import Foundation

/// One pass of detection over a batch of observations, pure: detector memory and the alert book in, the memory to
/// save, the alert records to save and the announcements to enqueue out. The engine runs it inside the same SQLite
/// transaction as the batch's transactions (which it deduplicates first) and writes what it returns.
public struct DetectionStep: Sendable {
    /// What was learned about one terminal.
    public enum Observation: Sendable, Equatable {
        /// A poll answered; `fresh` are its transactions not seen before.
        case polled(fresh: [Transaction])
        /// A poll failed, with a reason fit for a journal field.
        case failed(reason: String)
        /// Nothing new: time passed (windows expire, `for:` durations elapse, repeats fall due).
        case clock
    }

    /// What the engine writes.
    public struct Output: Sendable {
        /// Detector memory that changed, by terminal; every other terminal's is as it was.
        public var detectors: [String: TerminalDetector] = [:]
        /// Alert records that changed, and the announcements of their transitions, in order.
        public var alerts = AlertBook.Update()

        public init() {}
    }

    public var config: DetectionSection

    public init(config: DetectionSection) { self.config = config }

    /// Applies `observations` in order (a terminal may appear more than once) to `detectors` and `alerts`.
    /// `detectors` is read for the terminals observed only; the returned memory is the latest for each.
    public func run(
        _ observations: [(terminal: Terminal, observation: Observation)],
        detectors: [String: TerminalDetector],
        alerts: inout AlertBook,
        now: Date
    ) -> Output {
        var output = Output()
        var latest: [String: TerminalDetector] = [:]
        for (terminal, observation) in observations {
            let before = latest[terminal.id] ?? detectors[terminal.id]
            var detector = before ?? TerminalDetector()
            switch observation {
            case .polled(let fresh):
                detector.ingest(fresh, terminal: terminal, observedAt: now)
                detector.pollSucceeded()
            case .failed(let reason):
                detector.pollFailed(reason)
            case .clock:
                break
            }
            detector.prune(now: now, config: config)
            let conditions = Rules.evaluate(detector, terminal: terminal, config: config, now: now)
            let update = alerts.apply(conditions, store: terminal.store, config: config, now: now)
            output.alerts.changed += update.changed
            output.alerts.announcements += update.announcements
            latest[terminal.id] = detector
            // A terminal without stored memory gets it saved once observed.
            if detector != before { output.detectors[terminal.id] = detector }
        }
        return output
    }
}
