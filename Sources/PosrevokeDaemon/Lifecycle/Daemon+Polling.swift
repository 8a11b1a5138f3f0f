import PosrevokeCore

/// The poll loop's side of polling: each launch the scheduler hands out goes to the launcher, which is rebuilt
/// with the drivers of every reloaded config.
extension Daemon {
    func startPoll(_ launch: PollTimetable.Launch) {
        guard launcher.start(launch) else {
            scheduler.onQueue { $0.completed(launch.terminal) }
            return
        }
        metrics?.pollStarted(lateness: launch.lateness)
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

    func intervals() -> [String: Duration] {
        Dictionary(uniqueKeysWithValues: config.terminals.map { ($0.id, $0.pollInterval) })
    }
}
