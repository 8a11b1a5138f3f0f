public import Foundation

/// An operator's command on one job (`posrevokectl jobs …`).
public enum JobCommand: String, Sendable, CaseIterable {
    case confirm, retry, cancel, pause, resume
    case runNow = "run-now"
}

/// An operator's command on a plan (`posrevokectl plans …`).
public enum PlanCommand: String, Sendable, CaseIterable {
    case pause, resume, cancel
}

/// A command that does not apply to the job or plan as it stands; nothing was changed. Says why, for the operator.
public struct CommandRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Job {
    /// Applies an operator's command, or refuses it with the reason and leaves the job as it was. A retried job of
    /// a completed plan reopens the plan; that is the plan's to do (`PlanState.reopen`).
    public mutating func apply(_ command: JobCommand, now: Date) throws(CommandRefused) -> [JobEvent] {
        switch command {
        case .confirm:
            guard status == .gated || (status == .waiting && step == .removeHardware) else {
                throw CommandRefused(
                    "job '\(id)' is not waiting for a confirmation (it is \(status.rawValue) at \(step.rawValue))"
                )
            }
            return confirm(now: now)
        case .retry:
            guard status == .failed else {
                throw CommandRefused("job '\(id)' has not failed (it is \(status.rawValue))")
            }
            return retry(now: now)
        case .cancel:
            guard status != .cancelled, status != .completed else {
                throw CommandRefused("job '\(id)' is already \(status.rawValue)")
            }
            return cancel(now: now)
        case .pause:
            guard !status.isFinal, status != .paused, status != .queued else {
                throw CommandRefused("job '\(id)' cannot be paused: it is \(status.rawValue)")
            }
            pause(now: now)
            return []
        case .resume:
            guard status == .paused else {
                throw CommandRefused("job '\(id)' is not paused (it is \(status.rawValue))")
            }
            resume(now: now)
            return []
        case .runNow:
            guard [.ready, .waiting, .gated].contains(status) else {
                throw CommandRefused("job '\(id)' cannot run now: it is \(status.rawValue)")
            }
            runNow(now: now)
            return []
        }
    }
}

extension PlanState {
    /// Applies an operator's command, or refuses it and leaves the plan as it was. `by` names who asked; `force`
    /// on resume lets the next health gate pass. Cancelling the plan's jobs is the caller's (`Job.cancel`).
    public mutating func apply(_ command: PlanCommand, by: String, force: Bool, now: Date) throws(CommandRefused) {
        switch command {
        case .pause:
            guard status == .active else { throw CommandRefused("plan '\(id)' is \(status.rawValue)") }
            status = .paused
            pauseReason = "paused by \(by)"
        case .resume:
            guard status == .paused else { throw CommandRefused("plan '\(id)' is \(status.rawValue)") }
            status = .active
            pauseReason = nil
            skipNextGate = force
        case .cancel:
            guard status != .cancelled, status != .completed else {
                throw CommandRefused("plan '\(id)' is already \(status.rawValue)")
            }
            status = .cancelled
        }
        updatedAt = now
    }

    /// A job of this completed plan was retried: the plan is active again, and completes again when it ends.
    /// Returns whether it reopened.
    public mutating func reopen(now: Date) -> Bool {
        guard status == .completed else { return false }
        status = .active
        updatedAt = now
        return true
    }
}
