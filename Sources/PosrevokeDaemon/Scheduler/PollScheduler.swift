import Dispatch
import PosrevokeCore

/// Drives the `PollTimetable` with one `DispatchSourceTimer` on the loop queue, re-armed for the next absolute tick.
///
/// An actor on the poll loop's executor: the timetable is reached only there. A poll counts as running until its
/// result is committed, so the next poll of the same terminal always reads the committed cursor.
actor PollScheduler: QueueActor {
    /// Gets every poll a timer wake-up (or a completion) starts, at once: the daemon hands them to an I/O thread in
    /// one hop rather than one per poll.
    typealias Launcher = @Sendable ([PollTimetable.Launch]) -> Void

    nonisolated let executor: QueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let clock: any MonotonicClock
    private let timer: any DispatchSourceTimer
    private var timetable: PollTimetable
    private var launcher: Launcher?
    private var armedFor: UInt64?
    private var stopped = false
    /// The longest the timer sleeps, so the loop keeps turning (and feeding the watchdog) when nothing is due.
    var heartbeat: UInt64 = 1_000_000_000
    /// Called on the loop at every timer fire; the watchdog hangs off it so a stalled loop stops the pings.
    var onLoopTurn: (@Sendable () -> Void)?

    /// - Parameter executor: the poll loop's; the timer fires there.
    init(executor: QueueExecutor, clock: any MonotonicClock, maxConcurrent: Int) {
        self.executor = executor
        self.clock = clock
        self.timetable = PollTimetable(maxConcurrent: maxConcurrent)
        let timer = DispatchSource.makeTimerSource(flags: .strict, queue: executor.queue)
        self.timer = timer
        timer.setEventHandler { [unowned self] in self.onQueue { $0.fire() } }
    }

    /// Starts the timer; `launcher` is called on the loop with the polls to start.
    func start(launcher: @escaping Launcher) {
        self.launcher = launcher
        armedFor = nil
        timer.resume()
        rearm()
    }

    /// Applies the inventory: adds and removes terminals, applies new intervals, phases and the concurrency cap.
    /// Terminals whose interval and phase are unchanged keep their pending tick.
    ///
    /// - Parameter phases: terminal → what places its ticks (its gateway), for terminals not placed by their id.
    func reconcile(intervals: [String: Duration], phases: [String: String] = [:], maxConcurrent: Int) {
        let now = clock.nanoseconds()
        timetable.maxConcurrent = maxConcurrent
        for (terminal, interval) in intervals {
            timetable.upsert(
                terminal: terminal,
                interval: UInt64(interval.nanoseconds),
                phase: phases[terminal],
                now: now
            )
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
        launch(timetable.completed(terminal: terminal, now: clock.nanoseconds()))
    }

    /// Stops starting polls. Polls already running finish.
    func stop() {
        stopped = true
        timer.cancel()
    }

    var runningCount: Int {
        return timetable.runningCount
    }

    /// Counters and lateness percentiles.
    func snapshot() -> ScheduleStats {
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
        guard !stopped, let launcher, !launches.isEmpty else { return }
        launcher(launches)
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
