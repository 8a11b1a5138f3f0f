import Foundation
import PosrevokeCore
import PosrevokeSimulation

/// `driver: simulated`: the embedded fleet, so the daemon runs with no external set-up.
struct SimulatedDriver: TerminalDriver {
    let fleet: SimulatedFleet
    let clock: any WallClock

    func status(of terminal: Terminal) async throws -> TerminalStatus {
        do {
            return try fleet.status(of: terminal.id, now: clock.now())
        } catch {
            throw DriverError.unreachable(error.description)
        }
    }

    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
        do {
            return try fleet.transactions(of: terminal.id, after: cursor, limit: limit, now: clock.now())
        } catch {
            throw DriverError.unreachable(error.description)
        }
    }

    func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
        do {
            try fleet.setCreditPay(provider, enabled: enabled, on: terminal.id, now: clock.now())
        } catch {
            throw DriverError.unreachable(error.description)
        }
    }
}
