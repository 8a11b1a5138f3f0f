import PosrevokeCore

/// Starts the poll the timetable hands out: the terminal's driver, its committed cursors, and the result to the
/// engine, whose commit frees the terminal's slot. Rebuilt on every reload; used on the poll loop only.
struct PollLauncher: Sendable {
    private let pollers: [String: Poller]
    private let inventory: Inventory
    private let engine: Engine
    private let clock: SystemClock
    private let unreachableAfter: Int
    private let feedbackInterval: Duration
    private let metrics: DaemonMetrics?

    init(
        config: DaemonConfig,
        drivers: [String: any TerminalDriver],
        inventory: Inventory,
        engine: Engine,
        clock: SystemClock,
        metrics: DaemonMetrics? = nil
    ) {
        self.metrics = metrics
        pollers = drivers.mapValues {
            var poller = Poller(driver: $0, timeout: config.polling.timeout, pageLimit: config.polling.pageLimit)
            poller.feedbackPageLimit = config.feedback.pageLimit
            return poller
        }
        self.inventory = inventory
        self.engine = engine
        self.clock = clock
        unreachableAfter = config.detection.terminalUnreachable.consecutiveFailures
        feedbackInterval = config.feedback.pollInterval
    }

    /// Starts the poll, or returns false when there is none to start (a terminal no longer in the inventory, or
    /// one passed over while it backs off); the caller then frees the slot at once.
    func start(_ launch: PollTimetable.Launch) -> Bool {
        guard let terminal = inventory.terminal(launch.terminal), let poller = pollers[terminal.driver],
            !inventory.shouldPassOver(terminal.id, threshold: unreachableAfter)
        else { return false }
        let cursor = inventory.cursor(terminal.id)
        let feedbackCursor = inventory.feedbackCursorIfDue(
            terminal.id,
            now: clock.nanoseconds(),
            interval: feedbackInterval
        )
        let (engine, inventory, metrics, clock) = (self.engine, self.inventory, self.metrics, self.clock)
        let started = clock.nanoseconds()
        poller.poll(terminal, after: cursor, feedbackAfter: feedbackCursor) { result in
            let succeeded = (try? result.page.get()) != nil
            metrics?.pollFinished(ok: succeeded, nanoseconds: clock.nanoseconds() &- started)
            inventory.recordPoll(terminal.id, succeeded: succeeded)
            engine.submit(result)
        }
        return true
    }
}
