public import Foundation

/// The job pipeline as a pure state machine: operator commands and step outcomes in, new state and effects out.
///
/// The runner persists the job after every call, before and after each side effect; nothing here does I/O.
extension Job {
    /// Its wave started: the first step is due now.
    public mutating func release(now: Date) {
        guard status == .queued else { return }
        status = .ready
        nextDue = now
        stepSince = now
        updatedAt = now
    }

    public func isDue(at now: Date) -> Bool {
        guard [.ready, .waiting, .gated].contains(status), let nextDue else { return false }
        return nextDue <= now
    }

    /// About to execute the current step: counts the attempt. Persist this before calling out.
    public mutating func begin(now: Date) {
        status = .running
        attempt += 1
        updatedAt = now
    }

    /// Applies a step's outcome.
    public mutating func apply(_ outcome: StepOutcome, policy: PlanConfig.RetryConfig, now: Date) -> [JobEvent] {
        updatedAt = now
        let current = step
        switch outcome {
        case .done(let learned):
            context.merge(learned) { $1 }
            lastError = nil
            return advance(now: now, from: current)
        case .wait(let until, let note):
            status = .waiting
            lastError = nil
            attempt = 0
            nextDue = until
            return [JobEvent(step: current, state: .waiting, detail: note)]
        case .retry(let error, let after):
            lastError = error
            guard attempt < policy.maxAttempts else {
                status = .failed
                nextDue = nil
                let detail = "\(current.rawValue) failed after \(attempt) attempts: \(error)"
                return [JobEvent(step: current, state: .failed, detail: detail)]
            }
            let backoff = Backoff.delay(
                attempt: attempt,
                initial: policy.initialBackoff,
                maximum: policy.maxBackoff,
                jitterSeed: id
            )
            // The platform's Retry-After (already bounded) wins when it asks for longer than the backoff.
            let delay = max(backoff, after ?? .zero)
            status = .ready
            nextDue = now.addingTimeInterval(delay.seconds)
            let asked = delay > backoff ? " as the platform asked" : ""
            let detail =
                "attempt \(attempt) of \(policy.maxAttempts) failed (\(error)); retrying in \(DurationText.format(delay))\(asked)"
            return [JobEvent(step: current, state: .retrying, detail: detail)]
        case .permanent(let error):
            lastError = error
            status = .failed
            nextDue = nil
            let detail = "\(current.rawValue) failed: \(error)"
            return [JobEvent(step: current, state: .failed, detail: detail)]
        case .gate(let reason):
            let first = status != .gated
            status = .gated
            attempt = 0
            lastError = nil
            gate = reason
            return first ? [JobEvent(step: current, state: .gated, detail: reason)] : []
        }
    }

    /// A gated step was confirmed by an operator: it counts as done.
    public mutating func confirm(now: Date) -> [JobEvent] {
        guard status == .gated || (status == .waiting && step == .removeHardware) else { return [] }
        gate = nil
        context["confirmed.\(step.rawValue)"] = now.formatted(.iso8601)
        updatedAt = now
        return [JobEvent(step: step, state: .confirmed, detail: "confirmed by an operator")]
            + advance(now: now, from: step)
    }

    /// Schedules the next reminder of a gate or a wait that needs a person.
    public mutating func remind(now: Date, every interval: Duration) {
        reminders += 1
        nextDue = now.addingTimeInterval(interval.seconds)
        updatedAt = now
    }

    /// Operator: try a failed job again from its failed step.
    public mutating func retry(now: Date) -> [JobEvent] {
        guard status == .failed else { return [] }
        status = .ready
        attempt = 0
        nextDue = now
        updatedAt = now
        return [JobEvent(step: step, state: .retried, detail: "retried by an operator")]
    }

    public mutating func pause(now: Date) {
        guard !status.isFinal, status != .queued, status != .paused else { return }
        context["paused.from"] = status == .running ? JobStatus.ready.rawValue : status.rawValue
        status = .paused
        updatedAt = now
    }

    public mutating func resume(now: Date) {
        guard status == .paused else { return }
        status = JobStatus(rawValue: context["paused.from"] ?? "") ?? .ready
        context["paused.from"] = nil
        if status == .ready { nextDue = now }
        updatedAt = now
    }

    /// Operator: give up on a job, including a failed one (its `job-failed` alert then resolves).
    public mutating func cancel(now: Date) -> [JobEvent] {
        guard status != .cancelled, status != .completed else { return [] }
        status = .cancelled
        nextDue = nil
        updatedAt = now
        return [JobEvent(step: step, state: .cancelled, detail: "cancelled by an operator")]
    }

    /// Operator: run the current step now instead of at its scheduled time (the window still applies).
    public mutating func runNow(now: Date) {
        guard [.ready, .waiting, .gated].contains(status) else { return }
        nextDue = now
        updatedAt = now
    }

    /// A step that was running when the daemon died runs again, with the same idempotency key.
    public mutating func recoverAfterCrash(now: Date) {
        guard status == .running else { return }
        status = .ready
        nextDue = now
        updatedAt = now
    }

    private mutating func advance(now: Date, from current: JobStep) -> [JobEvent] {
        let event = JobEvent(step: current, state: .done, detail: "step done")
        attempt = 0
        reminders = 0
        stepSince = now
        if stepIndex + 1 >= steps.count {
            status = .completed
            nextDue = nil
            return [event, JobEvent(step: current, state: .completed, detail: "job completed")]
        }
        stepIndex += 1
        status = .ready
        nextDue = now
        return [event]
    }
}

/// How a job's move changes the cancellation state its terminal × provider is judged against.
public enum CutoverChange: Sendable, Equatable {
    /// Credit-score pay is off from this moment: an approved payment after it is `lingering-credit-pay`.
    case record(Date)
    /// A restore put the provider back: its payments are ordinary again.
    case restore

    /// The state to record for the terminal × provider.
    public var cancellation: ProviderCancellation {
        switch self {
        case .record(let at): ProviderCancellation(state: .cancelled, cutover: at)
        case .restore: ProviderCancellation(state: .active, cutover: nil)
        }
    }
}

extension Job {
    /// The cutover this job's last move (from step `before`) records, if any. Call after every applied outcome or
    /// operator command; it notes a recorded cutover in `context["cutover"]`.
    ///
    /// A cancel job records it when `close-service` is done (by the driver or confirmed by an operator): the
    /// provider is switched off from then on, so detection has no blind spot while the application, hardware and
    /// update steps run. A job that reaches `watch` without one (it passed close-service under an older version)
    /// records it there. A restore marks the provider active again when `restore-settings` is done.
    public mutating func cutoverChange(leaving before: JobStep, now: Date) -> CutoverChange? {
        guard step != before || status == .completed else { return nil }
        switch kind {
        case .cancel:
            let closed = before == .closeService
            let watching = step == .watch && status != .completed && context["cutover"] == nil
            guard closed || watching else { return nil }
            context["cutover"] = now.formatted(.iso8601)
            return .record(now)
        case .restore:
            return before == .restoreSettings ? .restore : nil
        }
    }
}
