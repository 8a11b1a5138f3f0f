public import Foundation

/// What executing one step produced. The runner maps every driver and platform answer onto one of these.
public enum StepOutcome: Sendable, Equatable {
    /// The step is done; `context` is remembered for later steps.
    case done(context: [String: String] = [:])
    /// Not yet: look again at `until` (a review in progress, an update applying, hardware still present).
    case wait(until: Date, note: String)
    /// A transient failure (429, 500, timeout, unreachable); retried with backoff, `after` at the earliest.
    case retry(error: String, after: Duration? = nil)
    /// A failure retrying cannot fix (rejected application, wrong key, bad parameters).
    case permanent(error: String)
    /// An operator must act and then run `jobs confirm`.
    case gate(reason: String)
}

/// What a job event says happened, as the journal's `JOB_STATE` field spells it.
public enum JobEventState: String, Sendable, Equatable, CaseIterable {
    case waiting, retrying, failed, gated, confirmed, retried, cancelled, done, completed, reminder

    /// Events an operator must see, written at warning; the rest at info.
    public var needsAttention: Bool { self == .failed || self == .gated || self == .reminder }
}

/// A step event for the journal: what a transition tells operators. Alerts are derived from job state instead.
public struct JobEvent: Sendable, Equatable {
    public var step: JobStep
    public var state: JobEventState
    public var detail: String

    public init(step: JobStep, state: JobEventState, detail: String) {
        self.step = step
        self.state = state
        self.detail = detail
    }
}
