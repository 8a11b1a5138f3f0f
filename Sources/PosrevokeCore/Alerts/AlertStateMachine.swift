public import Foundation

/// The lifecycle of one alert: inactive → pending (`for:`) → firing → resolved, with repeats while firing.
///
/// Pure: it is fed observations and the time, and answers with what to announce. Persisting it is what lets a
/// restart skip re-announcing unchanged alerts while still announcing transitions.
public struct AlertStateMachine: Sendable, Equatable, Codable {
    public enum State: Sendable, Equatable, Codable {
        case inactive
        case pending(since: Date)
        case firing(since: Date, lastAnnounced: Date)
        case resolved(at: Date, since: Date)
    }

    public enum Action: Sendable, Equatable {
        /// Nothing to announce and nothing changed.
        case none
        /// State changed in a way nobody needs to hear about (pending began or fizzled out).
        case quietChange
        case announceFiring
        case repeatFiring
        case announceResolved
    }

    public private(set) var state: State

    public init(state: State = .inactive) { self.state = state }

    public var isFiring: Bool {
        if case .firing = state { return true }
        return false
    }

    /// The condition holds but its `for:` has not passed yet.
    public var isPending: Bool {
        if case .pending = state { return true }
        return false
    }

    /// Feeds whether the rule's condition holds at `now`.
    public mutating func observe(
        active: Bool,
        now: Date,
        pendingFor: Duration,
        repeatInterval: Duration
    ) -> Action {
        switch (state, active) {
        case (.inactive, true), (.resolved, true):
            if pendingFor <= .zero {
                state = .firing(since: now, lastAnnounced: now)
                return .announceFiring
            }
            state = .pending(since: now)
            return .quietChange
        case (.pending(let since), true):
            guard now.timeIntervalSince(since) >= pendingFor.seconds else { return .none }
            state = .firing(since: since, lastAnnounced: now)
            return .announceFiring
        case (.pending, false):
            state = .inactive
            return .quietChange
        case (.firing(let since, let last), true):
            guard now.timeIntervalSince(last) >= repeatInterval.seconds else { return .none }
            state = .firing(since: since, lastAnnounced: now)
            return .repeatFiring
        case (.firing(let since, _), false):
            state = .resolved(at: now, since: since)
            return .announceResolved
        case (.inactive, false), (.resolved, false):
            return .none
        }
    }
}
