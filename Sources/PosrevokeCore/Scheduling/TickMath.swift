/// Absolute poll ticks: terminal `t` polls at `interval × n + offset(t)` on a monotonic nanosecond clock.
///
/// Ticks never derive from when a poll finished, so a slow poll cannot drift the schedule, and the offset
/// spreads a fleet sharing one interval evenly over it.
public enum TickMath {
    /// A stable per-terminal phase in `0..<interval`: FNV-1a of the id, so it survives restarts and reloads.
    public static func offset(for terminalID: String, interval: UInt64) -> UInt64 {
        precondition(interval > 0, "interval must be positive")
        let hash = StableHash.fnv1a(terminalID)
        return hash % interval
    }

    /// The first tick at or after `now`.
    public static func firstTick(atOrAfter now: UInt64, interval: UInt64, offset: UInt64) -> UInt64 {
        precondition(interval > 0 && offset < interval, "offset must lie inside the interval")
        if now <= offset { return offset }
        let periods = (now - offset + interval - 1) / interval
        return offset + periods * interval
    }

    /// The first tick after `tick` that is not in the past, and how many ticks were passed over to reach it.
    ///
    /// Normally this is `tick + interval` with nothing missed; after a stall the missed ticks are counted
    /// instead of being fired in a burst.
    public static func nextTick(after tick: UInt64, now: UInt64, interval: UInt64) -> (tick: UInt64, missed: UInt64) {
        let next = tick + interval
        guard now > next else { return (next, 0) }
        let missed = (now - next + interval - 1) / interval
        return (next + missed * interval, missed)
    }
}
