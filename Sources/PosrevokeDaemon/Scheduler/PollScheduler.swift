import Dispatch
import PosrevokeCore

/// Drives the `PollTimetable` with one `DispatchSourceTimer` on the loop queue, re-armed for the next absolute tick.
///
/// All timetable access happens on `queue`. A poll counts as running until its result is committed, so the
/// next poll of the same terminal always reads the committed cursor.
final class PollScheduler: @unchecked Sendable {
    typealias Launcher = @Sendable (PollTimetable.Launch) -> Void

    let queue: DispatchQueue
    private let clock: any MonotonicClock
    private let timer: any DispatchSourceTimer
    private var timetable: PollTimetable
    private var launcher: Launcher?
    private var armedFor: UInt64?
    private var stopped = false
    /// The longest the timer sleeps, so the loop keeps turning (and feeding the watchdog) when nothing is due.
    var heartbeat: UInt64 = 1_000_000_000
    /// Called on `queue` at every timer fire; the watchdog hangs off it so a stalled loop stops the pings.
    var onLoopTurn: (() -> Void)?

    init(queue: DispatchQueue, clock: any MonotonicClock, maxConcurrent: Int) {
        self.queue = queue
        self.clock = clock
        self.timetable = PollTimetable(maxConcurrent: maxConcurrent)
        self.timer = DispatchSource.makeTimerSource(flags: .strict, queue: queue)
        timer.setEventHandler { [unowned self] in self.fire() }
    }

    /// Starts the timer; `launcher` is called on `queue` for every poll to start.
    func start(launcher: @escaping Launcher) {
        queue.async {
            self.launcher = launcher
            self.armedFor = nil
            self.timer.resume()
            self.rearm()
        }
    }

    /// Applies the inventory: adds and removes terminals, applies new intervals and the concurrency cap.
    /// Terminals whose interval is unchanged keep their phase and pending tick.
    func reconcile(intervals: [String: Duration], maxConcurrent: Int) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.nanoseconds()
        timetable.maxConcurrent = maxConcurrent
        for (terminal, interval) in intervals {
            timetable.upsert(terminal: terminal, interval: UInt64(interval.nanoseconds), now: now)
        }
        for terminal in scheduledTerminals where intervals[terminal] == nil {
            timetable.remove(terminal: terminal)
        }
        scheduledTerminals = Set(intervals.keys)
        rearm()
    }
    private var scheduledTerminals: Set<String> = []

    /// A poll's result is durable; frees its slot.
    func completed(_ terminal: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        launch(timetable.completed(terminal: terminal, now: clock.nanoseconds()))
    }

    /// Stops starting polls. Polls already running finish.
    func stop() {
        dispatchPrecondition(condition: .onQueue(queue))
        stopped = true
        timer.cancel()
    }

    var runningCount: Int {
        dispatchPrecondition(condition: .onQueue(queue))
        return timetable.runningCount
    }

    /// Counters and lateness percentiles, read on the loop queue.
    func snapshot() -> ScheduleStats {
        dispatchPrecondition(condition: .onQueue(queue))
        return ScheduleStats(
            terminals: timetable.terminalCount,
            running: timetable.runningCount,
            waiting: timetable.waitingCount,
            counters: timetable.counters,
            latenessP50: timetable.latenessPercentile(0.5),
            latenessP99: timetable.latenessPercentile(0.99)
        )
    }

    private func fire() {
        guard !stopped else { return }
        armedFor = nil
        onLoopTurn?()
        launch(timetable.fire(now: clock.nanoseconds()))
        rearm()
    }

    private func launch(_ launches: [PollTimetable.Launch]) {
        guard !stopped, let launcher else { return }
        for launch in launches { launcher(launch) }
    }

    /// Ticks are gathered into slices this long: one timer wake-up starts every poll due in the slice, instead of
    /// one wake-up per poll (10,000 terminals at 10 s are a tick every millisecond).
    static let slice: UInt64 = 5_000_000

    /// Arms the timer for the end of the earliest tick's slice, or for the heartbeat when nothing is due sooner.
    private func rearm() {
        guard !stopped else { return }
        let wake = clock.nanoseconds() + heartbeat
        let next = timetable.nextDeadline().map { ($0 / Self.slice + 1) * Self.slice }
        let deadline = min(next ?? wake, wake)
        guard armedFor != deadline else { return }
        armedFor = deadline
        timer.schedule(deadline: DispatchTime(uptimeNanoseconds: deadline), leeway: .milliseconds(1))
    }
}

/// A read-out of the scheduler for the status line and metrics.
struct ScheduleStats: Sendable {
    var terminals: Int
    var running: Int
    var waiting: Int
    var counters: PollTimetable.Counters
    var latenessP50: UInt64
    var latenessP99: UInt64
}
