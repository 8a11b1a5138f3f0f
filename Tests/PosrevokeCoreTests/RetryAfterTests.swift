import Foundation
import PosrevokeCore
import Testing

@Suite("Retry-After header")
struct RetryAfterHeaderTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)

    @Test("seconds and HTTP dates are read; a past date is no wait; anything else is no hint")
    func forms() {
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", now: now) == .zero)
        // 90 s after `now` in each form RFC 9110 says a recipient reads, and one 30 s before it.
        #expect(RetryAfter.parse("Mon, 24 Nov 2025 16:01:30 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.parse("Monday, 24-Nov-25 16:01:30 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.parse("Mon Nov 24 16:01:30 2025", now: now) == .seconds(90))
        #expect(RetryAfter.parse("Mon, 24 Nov 2025 15:59:30 GMT", now: now) == .zero)
        for bad in [
            nil, "", "-5", "1.5", "soon", "12s", "Tue, 32 Foo 2026 99:00:00 GMT",
            "Mon, 24 Nov 2025 16:01:30 GMT trailing", "Mon, 24 Nov 2025 16:01:30 PST",
            String(repeating: "x", count: 65),
        ] {
            #expect(RetryAfter.parse(bad, now: now) == nil, "\(String(describing: bad))")
        }
    }

    @Test("a platform cannot park a job for longer than an hour")
    func bounded() {
        #expect(RetryAfter.parse("86400", now: now) == RetryAfter.maximum)
        #expect(RetryAfter.parse(String(repeating: "9", count: 40), now: now) == RetryAfter.maximum)
        #expect(RetryAfter.parse(String(repeating: "9", count: 4000), now: now) == RetryAfter.maximum)
        #expect(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == RetryAfter.maximum)
    }
}
