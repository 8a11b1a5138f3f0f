public import Foundation

/// A rate limit: `burst` calls at once, `perSecond` sustained. Pure; the caller supplies the time.
public struct TokenBucket: Sendable {
    public let perSecond: Double
    public let burst: Double
    private var tokens: Double
    private var last: Date?

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(burst)
        self.tokens = Double(burst)
    }

    /// Takes one token if there is one; otherwise returns how long until there will be.
    public mutating func take(now: Date) -> TimeInterval? {
        if let last { tokens = min(burst, tokens + max(0, now.timeIntervalSince(last)) * perSecond) }
        last = now
        guard tokens >= 1 else { return (1 - tokens) / perSecond }
        tokens -= 1
        return nil
    }
}
