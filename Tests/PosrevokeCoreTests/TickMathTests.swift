import PosrevokeCore
import Testing

@Suite("Tick math")
struct TickMathTests {
    let second: UInt64 = 1_000_000_000

    @Test("offset is stable, inside the interval, and spreads terminals")
    func offsetSpread() {
        let interval = 10 * second
        let a = TickMath.offset(for: "t-0001", interval: interval)
        #expect(a == TickMath.offset(for: "t-0001", interval: interval))
        #expect(a < interval)
        let offsets = (1...1000).map { TickMath.offset(for: "t-\($0)", interval: interval) }
        // Ten equal buckets should each get roughly a tenth of 1,000 terminals.
        let buckets = Dictionary(grouping: offsets) { $0 / second }.mapValues(\.count)
        #expect(buckets.count == 10)
        #expect(buckets.values.allSatisfy { (60...140).contains($0) })
    }

    @Test("first tick is interval × n + offset at or after now")
    func firstTick() {
        let interval = 10 * second
        #expect(TickMath.firstTick(atOrAfter: 0, interval: interval, offset: 3 * second) == 3 * second)
        #expect(TickMath.firstTick(atOrAfter: 3 * second, interval: interval, offset: 3 * second) == 3 * second)
        #expect(TickMath.firstTick(atOrAfter: 3 * second + 1, interval: interval, offset: 3 * second) == 13 * second)
        #expect(TickMath.firstTick(atOrAfter: 95 * second, interval: interval, offset: 3 * second) == 103 * second)
    }

    @Test("next tick never derives from completion time, and counts ticks passed over")
    func nextTick() {
        let interval = 10 * second
        let onTime = TickMath.nextTick(after: 13 * second, now: 14 * second, interval: interval)
        #expect(onTime.tick == 23 * second && onTime.missed == 0)
        let exactlyDue = TickMath.nextTick(after: 13 * second, now: 23 * second, interval: interval)
        #expect(exactlyDue.tick == 23 * second && exactlyDue.missed == 0)
        let stalled = TickMath.nextTick(after: 13 * second, now: 45 * second, interval: interval)
        #expect(stalled.tick == 53 * second)
        #expect(stalled.missed == 3)  // 23, 33 and 43 were passed over
    }
}

@Suite("Poll timetable")
struct PollTimetableTests {
    let second: UInt64 = 1_000_000_000

    @Test("polls fire at absolute ticks even when a poll finishes late")
    func absoluteTicks() {
        var table = PollTimetable(maxConcurrent: 10)
        table.upsert(terminal: "a", interval: 10 * second, now: 0)
        let offset = TickMath.offset(for: "a", interval: 10 * second)
        #expect(table.nextDeadline() == offset)
        let first = table.fire(now: offset + 5_000_000)
        #expect(first.map(\.terminal) == ["a"])
        #expect(first[0].lateness == 5_000_000)
        _ = table.completed(terminal: "a", now: offset + 7 * second)
        #expect(table.nextDeadline() == offset + 10 * second)
    }

    @Test("a poll still running at its next tick is skipped and counted, not queued")
    func skipBusy() {
        var table = PollTimetable(maxConcurrent: 10)
        table.upsert(terminal: "a", interval: second, now: 0)
        let offset = TickMath.offset(for: "a", interval: second)
        #expect(table.fire(now: offset).count == 1)
        #expect(table.fire(now: offset + second).isEmpty)
        #expect(table.fire(now: offset + 2 * second).isEmpty)
        #expect(table.counters.skippedBusy == 2)
        #expect(table.completed(terminal: "a", now: offset + 2 * second + 1).isEmpty)
        #expect(table.fire(now: offset + 3 * second).count == 1)
        #expect(table.counters.launched == 2)
    }

    @Test("the concurrency cap holds polls back until a slot frees")
    func concurrencyCap() {
        var table = PollTimetable(maxConcurrent: 2)
        for name in ["a", "b", "c", "d"] { table.upsert(terminal: name, interval: 100 * second, now: 0) }
        let now = 100 * second
        let launched = table.fire(now: now)
        #expect(launched.count == 2)
        #expect(table.waitingCount == 2)
        let next = table.completed(terminal: launched[0].terminal, now: now + 1000)
        #expect(next.count == 1)
        #expect(next[0].lateness >= 1000)
        #expect(table.runningCount == 2)
    }

    @Test("a loop stall counts the ticks it passed over")
    func lateSkips() {
        var table = PollTimetable(maxConcurrent: 10)
        table.upsert(terminal: "a", interval: second, now: 0)
        let offset = TickMath.offset(for: "a", interval: second)
        _ = table.fire(now: offset + 5 * second + 1)
        #expect(table.counters.skippedLate == 5)
        #expect(table.nextDeadline() == offset + 6 * second)
    }

    @Test("changing an interval reschedules; an unchanged one keeps its phase; removal stops polls")
    func reconcile() {
        var table = PollTimetable(maxConcurrent: 10)
        table.upsert(terminal: "a", interval: 10 * second, now: 0)
        let before = table.nextDeadline()
        table.upsert(terminal: "a", interval: 10 * second, now: 7 * second)
        #expect(table.nextDeadline() == before)
        table.upsert(terminal: "a", interval: 20 * second, now: 7 * second)
        let offset = TickMath.offset(for: "a", interval: 20 * second)
        #expect(
            table.nextDeadline() == TickMath.firstTick(atOrAfter: 7 * second, interval: 20 * second, offset: offset)
        )
        table.remove(terminal: "a")
        #expect(table.nextDeadline() == nil)
        #expect(table.fire(now: 1000 * second).isEmpty)
    }

    @Test("terminals sharing a phase fall due together; a new phase reschedules")
    func sharedPhase() {
        var table = PollTimetable(maxConcurrent: 100)
        for name in ["a", "b", "c"] { table.upsert(terminal: name, interval: 10 * second, phase: "gateway:g", now: 0) }
        table.upsert(terminal: "d", interval: 10 * second, now: 0)
        let shared = TickMath.offset(for: "gateway:g", interval: 10 * second)
        #expect(shared != TickMath.offset(for: "d", interval: 10 * second))
        let launches = table.fire(now: shared)
        #expect(Set(launches.map(\.terminal)) == ["a", "b", "c"])
        for name in ["a", "b", "c"] { _ = table.completed(terminal: name, now: shared) }
        // Moved off the gateway: "a" keeps its interval but takes its own phase.
        table.upsert(terminal: "a", interval: 10 * second, now: shared)
        let own = TickMath.firstTick(
            atOrAfter: shared,
            interval: 10 * second,
            offset: TickMath.offset(for: "a", interval: 10 * second)
        )
        #expect(!table.fire(now: own - 1).map(\.terminal).contains("a"))
        #expect(table.fire(now: own).map(\.terminal).contains("a"))
    }

    @Test("lateness percentiles come from recent samples")
    func percentiles() {
        var table = PollTimetable(maxConcurrent: 1000)
        for i in 0..<100 { table.upsert(terminal: "t\(i)", interval: 1000 * second, now: 0) }
        var now: UInt64 = 0
        while let deadline = table.nextDeadline(), deadline < 1000 * second {
            now = deadline + 1_000_000
            _ = table.fire(now: now)
        }
        #expect(table.counters.launched == 100)
        #expect(table.latenessPercentile(0.5) == 1_000_000)
        #expect(table.latenessPercentile(0.99) == 1_000_000)
    }
}
