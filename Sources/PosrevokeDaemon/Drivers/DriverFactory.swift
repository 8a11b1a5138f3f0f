import AsyncHTTPClient
import PosrevokeSimulation

/// One driver per `driver:` value. The agent driver shares the daemon's one pooled HTTP client.
enum DriverFactory {
    static func drivers(
        fleet: SimulatedFleet,
        platform: SimulatedPlatform,
        clock: SystemClock,
        client: HTTPClient,
        timeout: Duration,
        commandLatency: Duration
    ) -> [String: any TerminalDriver] {
        [
            "simulated": SimulatedDriver(
                fleet: fleet,
                clock: clock,
                commandLatency: commandLatency,
                platform: platform
            ),
            "agent": AgentDriver(client: client, timeout: timeout),
        ]
    }
}
