public import Foundation

/// Keeps a PAXSTORE key inside its rate limit and away from its lockout. Pure: the client tells it what it sends
/// and what comes back (the `X-RateLimit-*` headers, 429s, authentication failures), it says whether to send now.
///
/// It counts down a budget per window: the TMS's limit (or the configured one, whichever is lower) less a reserve
/// of 5 % for the key's other users, and every request in flight. The TMS's headers correct the count and name the
/// window's end; without them the window is the configured one, begun at the first request.
public struct PaxstoreRateLimit: Sendable, Equatable {
    public enum Admission: Sendable, Equatable {
        case send
        /// Over budget: nothing is sent before `until`.
        case wait(until: Date)
        /// The key failed authentication: nothing is sent with it until the configuration is fixed and reloaded.
        case stopped(String)
    }

    public private(set) var limit: Int
    public let window: TimeInterval
    public private(set) var remaining: Int
    public private(set) var windowEnds: Date?
    public private(set) var inFlight = 0
    public private(set) var stopped: String?

    public init(limit: Int, window: Duration) {
        self.limit = max(1, limit)
        self.window = max(1, window.seconds)
        remaining = Self.budget(self.limit)
    }

    private static func budget(_ limit: Int) -> Int { max(1, limit - max(1, limit / 20)) }

    /// Whether one more request may go now; `.send` counts it as in flight.
    public mutating func admit(now: Date) -> Admission {
        if let stopped { return .stopped(stopped) }
        if let ends = windowEnds, now >= ends {
            windowEnds = nil
            remaining = Self.budget(limit)
        }
        if windowEnds == nil { windowEnds = now.addingTimeInterval(window) }
        guard remaining > 0 else { return .wait(until: windowEnds ?? now.addingTimeInterval(window)) }
        remaining -= 1
        inFlight += 1
        return .send
    }

    /// One admitted request ended. `limit`, `left` and `reset` are the answer's `X-RateLimit-Limit`, `-Remaining`
    /// and `-Reset` (epoch ms), when it had them.
    public mutating func answered(now: Date, throttled: Bool, limit headerLimit: Int?, left: Int?, reset: Date?) {
        inFlight = max(0, inFlight - 1)
        if let headerLimit, headerLimit > 0 { limit = min(limit, headerLimit) }
        if let reset, reset > now {
            if let ends = windowEnds, reset > ends.addingTimeInterval(1) {
                // The TMS began a new window: its count is the truth.
                remaining = Self.budget(limit)
            }
            windowEnds = reset
        }
        if let left {
            let reserve = max(1, limit / 20)
            remaining = min(remaining, max(0, left - reserve - inFlight))
        }
        if throttled {
            remaining = 0
            if windowEnds.map({ $0 <= now }) ?? true { windowEnds = reset ?? now.addingTimeInterval(min(window, 60)) }
        }
    }

    /// A reload: the operator fixed the key, so it may be tried again (the budget is kept).
    public mutating func resume() {
        stopped = nil
    }

    /// 129: stop the key before its failures lock it.
    public mutating func authenticationFailed(_ reason: String) {
        inFlight = max(0, inFlight - 1)
        stopped = reason
    }
}
