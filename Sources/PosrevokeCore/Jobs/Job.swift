public import Foundation

/// Where a job stands.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    /// Its wave has not started yet.
    case queued
    /// Due to run its current step at `nextDue`.
    case ready
    /// Its current step is executing. Persisted before the side effect, so a crash replays the step.
    case running
    /// Waiting on something outside (a review, an update, hardware removal); looked at again at `nextDue`.
    case waiting
    /// Needs an operator: `posrevokectl jobs confirm`. Reminders go out at `nextDue`.
    case gated
    case paused
    case failed
    case cancelled
    case completed

    /// No further work will happen without an operator.
    public var isFinal: Bool { [.failed, .cancelled, .completed].contains(self) }
}

/// One terminal × provider moving through the pipeline; durable, and replayed safely after a crash.
public struct Job: Sendable, Codable, Equatable, Identifiable {
    public var id: String
    public var plan: String
    public var terminal: String
    public var store: String
    public var provider: CreditProvider
    public var kind: JobKind
    public var wave: Int
    public var steps: [JobStep]
    public var stepIndex = 0
    public var status = JobStatus.queued
    /// Attempts made at the current step (reset when the step changes or starts waiting).
    public var attempt = 0
    public var nextDue: Date?
    /// When the current step began: review age and reminders count from here.
    public var stepSince: Date
    public var lastError: String?
    /// What earlier steps learned: application id, update id, backup checksum, cutover time.
    public var context: [String: String] = [:]
    public var reminders = 0
    public var updatedAt: Date

    public init(
        plan: String,
        terminal: String,
        store: String,
        provider: CreditProvider,
        kind: JobKind,
        wave: Int,
        steps: [JobStep],
        now: Date
    ) {
        self.id = Self.id(plan: plan, terminal: terminal, provider: provider)
        self.plan = plan
        self.terminal = terminal
        self.store = store
        self.provider = provider
        self.kind = kind
        self.wave = wave
        self.steps = steps
        self.stepSince = now
        self.updatedAt = now
    }

    public static func id(plan: String, terminal: String, provider: CreditProvider) -> String {
        "\(plan)/\(terminal)/\(provider.rawValue)"
    }

    public var step: JobStep { steps[min(stepIndex, steps.count - 1)] }

    /// The idempotency key of every external call this step makes: the same on every retry and replay,
    /// so the platform can never apply it twice.
    public var idempotencyKey: String { "\(id)#\(step.rawValue)" }

    /// Whether this job's terminal has passed its cutover (for the wave health gate).
    public var isSettled: Bool { status.isFinal || step.isPastCutover }
}
