import Dispatch
import PosrevokeCore

/// The watchdog and the daemon's repeating timers.
extension Daemon {
    /// Feeds systemd's watchdog, when it watches, from a queue of its own; the loop turns at least four times per
    /// ping interval.
    func startWatchdog() {
        let (engine, runner) = (self.engine, self.runner)
        watchdog = Watchdog(
            clock: clock,
            logger: logger,
            parts: {
                StallCheck.Inputs(
                    engineBusySince: engine.published.withLock { $0.busySince },
                    jobRunnerBusySince: runner.busySince.withLock { $0 },
                    // Set while the writer works on a turn; a journald that refuses entries does not count (the
                    // writer backs off and retries), one that blocks the writer for good does.
                    journalWriterBusySince: JournalQueue.shared.busySince
                )
            },
            recovered: { [unowned self] in self.loop.async { self.publishStatus() } }
        )
        guard let watchdog else { return }
        scheduler.sync { scheduler in
            scheduler.heartbeat = watchdog.heartbeat
            scheduler.onLoopTurn = { watchdog.loopTurned() }
        }
        every(.nanoseconds(Int64(watchdog.interval / 4)), on: watchdog.queue) { watchdog.check() }
    }

    func every(_ interval: Duration, on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) {
        timers.append(DispatchSource.repeating(every: interval, on: queue, work))
    }
}
