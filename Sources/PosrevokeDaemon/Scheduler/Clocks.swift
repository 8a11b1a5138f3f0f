import Dispatch
public import Foundation

/// Wall-clock time for transaction timestamps and alert ages. Injected so tests control it.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// Monotonic nanoseconds for poll ticks; never jumps with NTP or the operator's `date`.
public protocol MonotonicClock: Sendable {
    func nanoseconds() -> UInt64
}

/// The real clocks.
public struct SystemClock: WallClock, MonotonicClock {
    public init() {}
    public func now() -> Date { Date() }
    public func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
