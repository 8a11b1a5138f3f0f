import Foundation
import PosrevokeCore
import Testing

@Suite("PAXSTORE: rate limit and lockout")
struct PaxstoreRateLimitTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Sends as fast as admitted for `seconds`, one answer per request; counts what the server saw per window.
    @Test func neverMoreThanTheBudgetPerWindow() {
        var limit = PaxstoreRateLimit(limit: 100, window: .seconds(60))
        var sent: [Int: Int] = [:]
        var now = start
        while now < start.addingTimeInterval(300) {
            if case .send = limit.admit(now: now) {
                let window = Int(now.timeIntervalSince(start) / 60)
                sent[window, default: 0] += 1
                limit.answered(now: now, throttled: false, limit: nil, left: nil, reset: nil)
            }
            now = now.addingTimeInterval(0.1)
        }
        #expect(sent.values.allSatisfy { $0 <= 95 }, "\(sent)")
        #expect(sent.values.reduce(0, +) >= 4 * 95, "the budget is used, window after window: \(sent)")
    }

    @Test func headersCorrectTheCountAndTheWindow() {
        var limit = PaxstoreRateLimit(limit: 3000, window: .seconds(600))
        #expect(limit.admit(now: start) == .send)
        #expect(limit.admit(now: start) == .send)
        // The server counts what others sent with the key too: 160 left, 2 of ours in flight, 150 reserved.
        let reset = start.addingTimeInterval(120)
        limit.answered(now: start, throttled: false, limit: 3000, left: 160, reset: reset)
        #expect(limit.remaining == 160 - 150 - 1)
        for _ in 0..<9 { #expect(limit.admit(now: start) == .send) }
        #expect(limit.admit(now: start) == .wait(until: reset))
        // A new window: the budget comes back.
        #expect(limit.admit(now: reset) == .send)
    }

    @Test func a429StopsUntilTheReset() {
        var limit = PaxstoreRateLimit(limit: 3000, window: .seconds(600))
        #expect(limit.admit(now: start) == .send)
        let reset = start.addingTimeInterval(30)
        limit.answered(now: start, throttled: true, limit: 3000, left: 0, reset: reset)
        #expect(limit.admit(now: start.addingTimeInterval(10)) == .wait(until: reset))
        #expect(limit.admit(now: reset.addingTimeInterval(0.001)) == .send)
    }

    @Test func anAuthenticationFailureStopsTheKeyUntilAReload() {
        var limit = PaxstoreRateLimit(limit: 3000, window: .seconds(600))
        #expect(limit.admit(now: start) == .send)
        limit.authenticationFailed("129")
        #expect(limit.admit(now: start) == .stopped("129"))
        #expect(limit.admit(now: start.addingTimeInterval(3600)) == .stopped("129"))
        limit.resume()
        #expect(limit.admit(now: start.addingTimeInterval(3600)) == .send)
    }
}
