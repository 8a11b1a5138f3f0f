public import Foundation
public import PosrevokeCore
import Synchronization

/// An in-process fleet of simulated terminals with realistic payment traffic and scripted faults.
///
/// Deterministic for a seed: each terminal draws from its own stream, and event times are offsets from the
/// fleet's start, so two fleets with the same seed, inventory and start produce the same transactions.
public final class SimulatedFleet: Sendable {
    /// A terminal is not answering (the scenario took it offline, or it is not in this fleet).
    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// How many transactions each terminal keeps for re-reads; older ones are gone, as on a real terminal.
    public static let retainedTransactions = 5000

    public let start: Date
    let state: Mutex<[String: SimulatedTerminal]>
    let settings: Mutex<SimulationSection>
    let store: SimulationStore

    /// A fleet whose command effects (methods switched off, notices, updates) live in `store`, so they survive
    /// a restart of the daemon like the state of real terminals does.
    package init(simulation: SimulationSection, terminals: [Terminal], start: Date, store: SimulationStore) {
        self.start = start
        self.settings = Mutex(simulation)
        self.state = Mutex([:])
        self.store = store
        reconfigure(simulation: simulation, terminals: terminals)
    }

    /// A fleet with in-memory command state, for tests and one-off runs.
    public convenience init(simulation: SimulationSection, terminals: [Terminal], start: Date) {
        // An in-memory SQLite database cannot fail to open.
        self.init(simulation: simulation, terminals: terminals, start: start, store: try! SimulationStore(path: nil))
    }

    /// Applies a reloaded inventory: new terminals start producing, removed ones stop, existing ones keep their log.
    public func reconfigure(simulation: SimulationSection, terminals: [Terminal]) {
        settings.withLock { $0 = simulation }
        let start = self.start
        let disabled = (try? loadDisabled()) ?? [:]
        state.withLock { fleet in
            let wanted = Set(terminals.map(\.id))
            fleet = fleet.filter { wanted.contains($0.key) }
            for terminal in terminals {
                if fleet[terminal.id] == nil {
                    fleet[terminal.id] = SimulatedTerminal(terminal: terminal, seed: simulation.seed, start: start)
                } else {
                    fleet[terminal.id]?.terminal = terminal
                }
                fleet[terminal.id]?.disabled = disabled[terminal.id] ?? [:]
            }
        }
    }

    /// Terminal ids the scenario makes keep approving credit-score pay after cutover.
    public var lingeringTerminals: Set<String> {
        let missed = Set(settings.withLock { $0.scenario.missedUpdate })
        return state.withLock { fleet in
            Set(fleet.values.filter { missed.contains($0.terminal.id) && $0.hasCancelledProvider }.map(\.terminal.id))
        }
    }

    public func status(of terminalID: String, now: Date) throws(Unreachable) -> TerminalStatus {
        let simulation = settings.withLock { $0 }
        return try state.withLock { fleet throws(Unreachable) in
            guard let terminal = fleet[terminalID] else { throw Unreachable(description: "no such terminal") }
            try checkOnline(terminalID, simulation: simulation, now: now)
            return terminal.status(now: now, simulation: simulation)
        }
    }

    public func transactions(
        of terminalID: String,
        after cursor: Int64,
        limit: Int,
        now: Date
    ) throws(Unreachable) -> TransactionPage {
        let simulation = settings.withLock { $0 }
        return try state.withLock { fleet throws(Unreachable) in
            guard var terminal = fleet[terminalID] else { throw Unreachable(description: "no such terminal") }
            try checkOnline(terminalID, simulation: simulation, now: now)
            terminal.advance(to: now, simulation: simulation)
            let page = terminal.page(after: cursor, limit: limit)
            fleet[terminalID] = terminal
            return page
        }
    }

    /// Payments made so far by method, provider and outcome, generating those due up to `now` first.
    public func totals(of terminalID: String, now: Date) throws(Unreachable) -> [TransactionTotal: Int] {
        let simulation = settings.withLock { $0 }
        return try state.withLock { fleet throws(Unreachable) in
            guard var terminal = fleet[terminalID] else { throw Unreachable(description: "no such terminal") }
            try checkOnline(terminalID, simulation: simulation, now: now)
            terminal.advance(to: now, simulation: simulation)
            fleet[terminalID] = terminal
            return terminal.totals
        }
    }

    public func feedback(
        of terminalID: String,
        after cursor: Int64,
        limit: Int,
        now: Date
    ) throws(Unreachable) -> FeedbackPage {
        let simulation = settings.withLock { $0 }
        return try state.withLock { fleet throws(Unreachable) in
            guard var terminal = fleet[terminalID] else { throw Unreachable(description: "no such terminal") }
            try checkOnline(terminalID, simulation: simulation, now: now)
            let page = terminal.feedbackPage(after: cursor, limit: limit, now: now, simulation: simulation)
            fleet[terminalID] = terminal
            return page
        }
    }

    func checkOnline(_ id: String, simulation: SimulationSection, now: Date) throws(Unreachable) {
        let elapsed = now.timeIntervalSince(start)
        for window in simulation.scenario.offline where window.terminal == id {
            let from = window.after.seconds
            let until = window.duration.map { from + $0.seconds } ?? .infinity
            if elapsed >= from && elapsed < until {
                throw Unreachable(description: "connection timed out (terminal offline)")
            }
        }
    }
}
