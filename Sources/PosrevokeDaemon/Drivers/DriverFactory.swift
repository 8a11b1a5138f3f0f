import AsyncHTTPClient
import PosrevokeCore
import PosrevokeSimulation

/// One driver per `driver:` value, and one per TMS (`tms:paxstore`). The agent and TMS drivers share the daemon's
/// one pooled HTTP client.
enum DriverFactory {
    /// The `driver:` whose terminals the daemon's own simulated fleet plays; no other terminal is simulated.
    static let simulated = "simulated"
    /// The `driver:` of terminals answering the terminal-agent protocol; gateways' batches go through it too.
    static let agent = "agent"

    /// The terminals the daemon's own simulated fleet plays.
    static func simulatedTerminals(_ terminals: [Terminal]) -> [Terminal] {
        terminals.filter { $0.driver == simulated }
    }

    static func drivers(
        fleet: SimulatedFleet,
        platform: SimulatedPlatform,
        clock: SystemClock,
        client: HTTPClient,
        timeout: Duration,
        commandLatency: Duration,
        tms: TMSSection = TMSSection()
    ) -> [String: any TerminalDriver] {
        var drivers: [String: any TerminalDriver] = [
            simulated: SimulatedDriver(
                fleet: fleet,
                clock: clock,
                commandLatency: commandLatency,
                platform: platform
            ),
            agent: AgentDriver(client: client, timeout: timeout),
        ]
        if let account = tms.paxstore {
            let paxstore = PaxstoreDriver(client: PaxstoreClient(account: account, client: client, timeout: timeout))
            drivers["tms"] = paxstore
            drivers["tms:paxstore"] = paxstore
        }
        return drivers
    }

    /// The driver a job uses for `terminal`: its own, with commands sent through its TMS when it names one.
    static func commandDriver(for terminal: Terminal, in drivers: [String: any TerminalDriver]) -> (any TerminalDriver)?
    {
        guard let own = drivers[terminal.driver] else { return nil }
        guard let tms = terminal.tms else { return own }
        guard let commands = drivers["tms:\(tms)"] else { return nil }
        return terminal.driver == "tms" ? commands : TMSRoutedDriver(polling: own, commands: commands)
    }
}
