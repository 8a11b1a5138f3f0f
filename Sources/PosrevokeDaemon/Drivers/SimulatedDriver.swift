import Foundation
import PosrevokeCore
import PosrevokeSimulation

/// `driver: simulated`: the embedded fleet, so the daemon runs with no external set-up.
struct SimulatedDriver: TerminalDriver {
    let fleet: SimulatedFleet
    let clock: any WallClock
    /// `simulation.scenario.command_latency`: how long a command takes on the terminal.
    var commandLatency: Duration = .zero
    /// The embedded platform, whose orders the simulated terminals know as their own.
    var platform: SimulatedPlatform?

    func status(of terminal: Terminal) async throws -> TerminalStatus {
        try answer { try fleet.status(of: terminal.id, now: clock.now()) }
    }

    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
        try answer { try fleet.transactions(of: terminal.id, after: cursor, limit: limit, now: clock.now()) }
    }

    func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
        try answer { try fleet.feedback(of: terminal.id, after: cursor, limit: limit, now: clock.now()) }
    }

    func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
        try await busy()
        try answer { try fleet.setCreditPay(provider, enabled: enabled, on: terminal.id, now: clock.now()) }
    }

    func showNotice(id: String, text: String, on terminal: Terminal) async throws {
        try await busy()
        try answer { try fleet.showNotice(id: id, text: text, on: terminal.id, now: clock.now()) }
    }

    func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {
        try await busy()
        try answer { try fleet.pushUpdate(id: id, removing: providers, on: terminal.id, now: clock.now()) }
    }

    func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? {
        try answer { try fleet.update(id: id, on: terminal.id, now: clock.now()).map { ($0.rawValue, nil) } }
    }

    func selftest(on terminal: Terminal) async throws -> SelftestResult {
        try await busy()
        let result = try answer { try fleet.selftest(on: terminal.id, now: clock.now()) }
        let checks = result.checks.map { SelftestResult.Check(name: $0.name, ok: $0.ok, detail: $0.detail) }
        return SelftestResult(ok: result.ok, checks: checks)
    }

    func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]? {
        guard let platform else { return nil }
        _ = try answer { try fleet.status(of: terminal.id, now: clock.now()) }
        do {
            return try platform.terminalOrders(terminal: terminal.id, provider: provider, now: clock.now())
        } catch {
            throw DriverError.unreachable(error.description)
        }
    }

    private func busy() async throws {
        if commandLatency > .zero { try await Task.sleep(for: commandLatency) }
    }

    /// Maps the fleet's "not answering" onto the driver error the poller and job runner understand.
    private func answer<T>(_ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch let error as SimulatedFleet.Unreachable {
            throw DriverError.unreachable(error.description)
        }
    }
}
