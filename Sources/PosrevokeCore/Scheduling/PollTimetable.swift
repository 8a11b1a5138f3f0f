public import DequeModule
import HeapModule

/// The poll timetable: which terminal is due when, which polls run, which wait for a slot, what was skipped.
///
/// Pure: the Dispatch scheduler asks it for the next deadline, tells it when the timer fired and when polls
/// finished, and launches exactly what it returns. Times are monotonic nanoseconds.
public struct PollTimetable: Sendable {
    /// A poll to start now for `tick`, `lateness` nanoseconds after its tick.
    public struct Launch: Sendable, Equatable {
        public var terminal: String
        public var tick: UInt64
        public var lateness: UInt64
    }

    /// Counters since start; they survive reloads.
    public struct Counters: Sendable, Equatable {
        public var launched = 0
        /// Ticks that found the previous poll of the same terminal still running (or still waiting for a slot).
        public var skippedBusy = 0
        /// Ticks passed over because the loop itself was late by more than an interval.
        public var skippedLate = 0
        public var maxLatenessNanoseconds: UInt64 = 0
    }

    private struct Entry: Comparable {
        var due: UInt64
        var terminal: String
        var generation: Int
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.due, lhs.terminal) < (rhs.due, rhs.terminal) }
    }

    private struct Slot {
        var interval: UInt64
        var offset: UInt64
        var phase: String
        var generation: Int
    }

    public var maxConcurrent: Int
    public private(set) var counters = Counters()
    /// The most recent lateness samples, for percentiles.
    public private(set) var recentLateness = Deque<UInt64>()
    public static let latenessSamples = 4096
    private var heap = Heap<Entry>()
    private var slots: [String: Slot] = [:]
    private var running: Set<String> = []
    private var waiting = Deque<(terminal: String, tick: UInt64)>()
    private var generation = 0

    public init(maxConcurrent: Int) { self.maxConcurrent = max(1, maxConcurrent) }

    public var terminalCount: Int { slots.count }
    public var runningCount: Int { running.count }
    public var waitingCount: Int { waiting.count }
    public func isScheduled(_ terminal: String) -> Bool { slots[terminal] != nil }
    public func interval(of terminal: String) -> UInt64? { slots[terminal]?.interval }

    /// Adds a terminal, or changes its interval or phase. An unchanged one keeps the pending tick untouched.
    ///
    /// - Parameter phase: what places the terminal's ticks in the interval; its id by default. Terminals that
    ///   share a phase and an interval fall due together, so a gateway's terminals can be asked in one request.
    public mutating func upsert(terminal: String, interval: UInt64, phase: String? = nil, now: UInt64) {
        let phase = phase ?? terminal
        if let slot = slots[terminal], slot.interval == interval, slot.phase == phase { return }
        generation += 1
        let offset = TickMath.offset(for: phase, interval: interval)
        slots[terminal] = Slot(interval: interval, offset: offset, phase: phase, generation: generation)
        let due = TickMath.firstTick(atOrAfter: now, interval: interval, offset: offset)
        heap.insert(Entry(due: due, terminal: terminal, generation: generation))
    }

    /// Stops scheduling a terminal. A poll already running finishes; its result is the caller's to drop.
    public mutating func remove(terminal: String) {
        slots[terminal] = nil
        waiting.removeAll { $0.terminal == terminal }
    }

    /// When the timer should fire next.
    public mutating func nextDeadline() -> UInt64? {
        dropStale()
        return heap.min?.due
    }

    /// Everything due at `now`: launches within the concurrency cap; the rest waits for a slot.
    public mutating func fire(now: UInt64) -> [Launch] {
        while let top = heap.min, top.due <= now {
            let entry = heap.removeMin()
            guard let slot = slots[entry.terminal], slot.generation == entry.generation else { continue }
            let next = TickMath.nextTick(after: entry.due, now: now, interval: slot.interval)
            counters.skippedLate += Int(next.missed)
            heap.insert(Entry(due: next.tick, terminal: entry.terminal, generation: entry.generation))
            if running.contains(entry.terminal) || waiting.contains(where: { $0.terminal == entry.terminal }) {
                counters.skippedBusy += 1
            } else {
                waiting.append((entry.terminal, entry.due))
            }
        }
        return startWaiting(now: now)
    }

    /// A poll finished; its slot goes to the next waiting terminal.
    public mutating func completed(terminal: String, now: UInt64) -> [Launch] {
        running.remove(terminal)
        return startWaiting(now: now)
    }

    /// Lateness percentile (0...1) over the recent samples, in nanoseconds.
    public func latenessPercentile(_ p: Double) -> UInt64 {
        guard !recentLateness.isEmpty else { return 0 }
        let sorted = recentLateness.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
        return sorted[index]
    }

    private mutating func startWaiting(now: UInt64) -> [Launch] {
        var launches: [Launch] = []
        while running.count < maxConcurrent, !waiting.isEmpty {
            let (terminal, tick) = waiting.removeFirst()
            running.insert(terminal)
            let lateness = now > tick ? now - tick : 0
            counters.launched += 1
            counters.maxLatenessNanoseconds = max(counters.maxLatenessNanoseconds, lateness)
            if recentLateness.count == Self.latenessSamples { recentLateness.removeFirst() }
            recentLateness.append(lateness)
            launches.append(Launch(terminal: terminal, tick: tick, lateness: lateness))
        }
        return launches
    }

    private mutating func dropStale() {
        while let top = heap.min, slots[top.terminal]?.generation != top.generation {
            _ = heap.removeMin()
        }
    }
}
