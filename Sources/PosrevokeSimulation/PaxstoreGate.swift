import Foundation
import PosrevokeCore

/// The PAXSTORE key's two guards: a fixed-window request count (the window starts at the first request, and every
/// request counts, signed or not) and the lockout after 20 authentication failures within 30 minutes.
struct PaxstoreGate {
    static let failuresToLock = 20
    static let failureSpan: TimeInterval = 1800
    static let lockSpan: TimeInterval = 1800
    /// How far a request's `timestamp` may be from the TMS's clock, in milliseconds.
    static let clockSkew: Int64 = 300_000

    private var windowStart: Date?
    private var inWindow = 0
    private var failures: [Date] = []
    private var lockedUntil: Date?

    /// Counts one request into its window: the count so far, this one included, and when the window ends.
    mutating func count(now: Date, window: TimeInterval) -> (count: Int, ends: Date) {
        let span = max(window, 0.001)
        if let start = windowStart, now >= start.addingTimeInterval(span) {
            // Windows stay aligned to the first one, as fixed windows do, however long nothing came.
            let passed = (now.timeIntervalSince(start) / span).rounded(.down)
            windowStart = start.addingTimeInterval(passed * span)
            inWindow = 0
        }
        let start = windowStart ?? now
        windowStart = start
        inWindow += 1
        return (inWindow, start.addingTimeInterval(span))
    }

    func isLocked(now: Date) -> Bool { lockedUntil.map { now < $0 } ?? false }

    /// One more failure; the 20th within 30 minutes locks the key.
    mutating func failed(now: Date) {
        failures = failures.filter { now.timeIntervalSince($0) < Self.failureSpan } + [now]
        if failures.count >= Self.failuresToLock {
            lockedUntil = now.addingTimeInterval(Self.lockSpan)
            failures = []
        }
    }

    /// Whether the request is the key's: its `sysKey`, a `timestamp` within 300 s and a `signature` over the query
    /// exactly as it came.
    static func authenticates(
        rawQuery: String,
        parameters: [String: String],
        signature: String?,
        key: String,
        secret: String,
        now: Date
    ) -> Bool {
        guard parameters["sysKey"] == key, let text = parameters["timestamp"], let stamp = Int64(text) else {
            return false
        }
        let clock = milliseconds(now)
        guard stamp >= clock - clockSkew, stamp <= clock + clockSkew, let signature else { return false }
        return PaxstoreSigning.isValid(signature: signature, query: rawQuery, secret: secret)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
