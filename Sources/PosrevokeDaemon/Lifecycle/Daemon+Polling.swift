import PosrevokeCore

/// The poll loop's side of polling: the launches the scheduler hands out go to the launcher, which is rebuilt
/// with the drivers of every reloaded config.
extension Daemon {
    /// Starts a wake-up's polls on one of the HTTP client's event loops, all in one hop: the requests are then
    /// made on the loop that sends them, with no wake-up per poll. Called on the poll loop, which owns `launcher`.
    func startPolls(_ launches: [PollTimetable.Launch]) {
        let (launcher, scheduler, metrics) = (self.launcher, self.scheduler, self.metrics)
        httpClient.eventLoopGroup.next().execute {
            let idle = launcher.start(launches)
            for launch in launches {
                guard !idle.contains(launch.terminal) else {
                    scheduler.async { $0.completed(launch.terminal) }
                    continue
                }
                metrics?.pollStarted(lateness: launch.lateness)
            }
        }
    }

    /// A launcher with the running config's `drivers`; feedback is asked again of every terminal.
    func rebuildLauncher(drivers: [String: any TerminalDriver]) {
        launcher = PollLauncher(
            config: config,
            drivers: drivers,
            inventory: inventory,
            engine: engine,
            clock: clock,
            metrics: metrics
        )
        inventory.clearFeedbackUnsupported()
    }

    /// One driver per `driver:` value. The agent driver shares one pooled HTTP client for the daemon's life.
    func drivers() -> [String: any TerminalDriver] {
        DriverFactory.drivers(
            fleet: fleet,
            platform: platform,
            clock: clock,
            client: httpClient,
            timeout: config.polling.timeout,
            commandLatency: config.simulation.scenario.commandLatency,
            tms: config.tms
        )
    }

    /// Each terminal's interval and, behind a gateway, its phase: a gateway's terminals share one, so they fall due
    /// together and go in one batch request. One pass over the config in force.
    func timetable() -> (intervals: [String: Duration], phases: [String: String]) {
        var intervals: [String: Duration] = [:]
        var phases: [String: String] = [:]
        intervals.reserveCapacity(config.terminals.count)
        for terminal in config.terminals {
            intervals[terminal.id] = terminal.pollInterval
            if let gateway = terminal.gateway { phases[terminal.id] = "gateway:\(gateway)" }
        }
        return (intervals, phases)
    }
}
