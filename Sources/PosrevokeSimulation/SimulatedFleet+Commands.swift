public import Foundation
import GRDB
public import PosrevokeCore

/// Commands a terminal accepts: switching methods, notices, software updates and a self-test. Effects are
/// written to the simulation store before the call returns, and counted, like on a real terminal.
extension SimulatedFleet {
    /// A pushed update and how far it got.
    public enum UpdateState: String, Sendable {
        case pending, applying, done, failed
    }

    /// Switches a provider's credit-score-pay method on or off. Idempotent.
    public func setCreditPay(
        _ provider: CreditProvider,
        enabled: Bool,
        on terminalID: String,
        now: Date
    ) throws(Unreachable) {
        try reachable(terminalID, now: now)
        try switchCreditPay(provider, enabled: enabled, on: terminalID, now: now, command: true)
    }

    /// `command`: asked for by the daemon, so counted as a call; a finished update switches methods off on its own.
    private func switchCreditPay(
        _ provider: CreditProvider,
        enabled: Bool,
        on terminalID: String,
        now: Date,
        command: Bool
    ) throws(Unreachable) {
        let changed = try write { db -> Bool in
            if command {
                try SimulationStore.countCall(
                    db,
                    terminal: terminalID,
                    provider: provider.rawValue,
                    operation: enabled ? "enable" : "disable",
                    parameters: enabled ? "enabled" : "disabled"
                )
            }
            let current =
                try Bool.fetchOne(
                    db,
                    sql: "SELECT enabled FROM terminal_methods WHERE terminal = ? AND provider = ?",
                    arguments: [terminalID, provider.rawValue]
                ) ?? true
            guard current != enabled else { return false }
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO terminal_methods (terminal, provider, enabled, changed_at) VALUES (?, ?, ?, ?)",
                arguments: [terminalID, provider.rawValue, enabled, now.timeIntervalSince1970]
            )
            try SimulationStore.countEffect(
                db,
                terminal: terminalID,
                provider: provider.rawValue,
                operation: enabled ? "enable" : "disable"
            )
            return true
        }
        guard changed else { return }
        state.withLock { $0[terminalID]?.disabled[provider] = enabled ? nil : now }
    }

    /// Shows a notice on the terminal's screen; the same id is shown once.
    public func showNotice(id: String, text: String, on terminalID: String, now: Date) throws(Unreachable) {
        try reachable(terminalID, now: now)
        try write { db in
            try SimulationStore.countCall(db, terminal: terminalID, provider: "-", operation: "notice", parameters: id)
            try db.execute(
                sql: "INSERT OR IGNORE INTO notices (id, terminal, text, shown_at) VALUES (?, ?, ?, ?)",
                arguments: [id, terminalID, text, now.timeIntervalSince1970]
            )
            if db.changesCount > 0 {
                try SimulationStore.countEffect(db, terminal: terminalID, provider: "-", operation: "notice")
            }
        }
    }

    /// Starts a software update that removes `providers`; the id is the idempotency key.
    public func pushUpdate(
        id: String,
        removing providers: [CreditProvider],
        on terminalID: String,
        now: Date
    ) throws(Unreachable) {
        try reachable(terminalID, now: now)
        try write { db in
            try SimulationStore.countCall(db, terminal: terminalID, provider: "-", operation: "update", parameters: id)
            try db.execute(
                sql: "INSERT OR IGNORE INTO updates (id, terminal, providers, created_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    id, terminalID, providers.map(\.rawValue).joined(separator: ","), now.timeIntervalSince1970,
                ]
            )
            if db.changesCount > 0 {
                try SimulationStore.countEffect(db, terminal: terminalID, provider: "-", operation: "update")
            }
        }
    }

    /// How a pushed update is going; once done, its providers are gone from the terminal.
    public func update(id: String, on terminalID: String, now: Date) throws(Unreachable) -> UpdateState? {
        try reachable(terminalID, now: now)
        let duration = settings.withLock { $0.scenario.updateDuration.seconds }
        guard
            let row = read({ try Row.fetchOne($0, sql: "SELECT * FROM updates WHERE id = ?", arguments: [id]) }) ?? nil
        else { return nil }
        let age = now.timeIntervalSince1970 - (row["created_at"] as Double)
        if age < duration / 2 { return .pending }
        if age < duration { return .applying }
        for name in (row["providers"] as String).split(separator: ",") {
            if let provider = CreditProvider(rawValue: String(name)) {
                try switchCreditPay(provider, enabled: false, on: terminalID, now: now, command: false)
            }
        }
        return .done
    }

    /// The terminal's self-test: hardware checks plus which credit providers are still enabled.
    public func selftest(
        on terminalID: String,
        now: Date
    ) throws(Unreachable) -> (ok: Bool, checks: [(name: String, ok: Bool, detail: String)]) {
        let status = try status(of: terminalID, now: now)
        var checks: [(name: String, ok: Bool, detail: String)] = [
            ("printer", true, "paper ok"), ("network", true, "acquirer host reachable"),
            ("card-reader", true, "EMV ok"),
        ]
        for method in status.paymentMethods where method.method == .creditScorePay {
            checks.append(("\(method.provider ?? "?")", true, method.enabled ? "enabled" : "disabled"))
        }
        return (checks.allSatisfy(\.ok), checks)
    }

    /// Commands this fleet received, counted per `terminal/provider/operation`.
    public func effects() throws -> [String: Int] { try store.effects() }

    func loadDisabled() throws -> [String: [CreditProvider: Date]] {
        try store.db.read { db in
            var result: [String: [CreditProvider: Date]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM terminal_methods WHERE enabled = 0") {
                guard let provider = CreditProvider(rawValue: row["provider"]) else { continue }
                result[row["terminal"], default: [:]][provider] = Date(timeIntervalSince1970: row["changed_at"])
            }
            return result
        }
    }

    private func reachable(_ terminalID: String, now: Date) throws(Unreachable) {
        let simulation = settings.withLock { $0 }
        guard state.withLock({ $0[terminalID] != nil }) else { throw Unreachable(description: "no such terminal") }
        try checkOnline(terminalID, simulation: simulation, now: now)
    }

    /// A failed write of the terminal's own state looks to the daemon like a terminal that did not answer.
    private func write<T>(_ work: (Database) throws -> T) throws(Unreachable) -> T {
        do {
            return try store.db.write(work)
        } catch {
            throw Unreachable(description: "terminal storage error: \(error)")
        }
    }

    private func read<T>(_ work: (Database) throws -> T) -> T? {
        try? store.db.read(work)
    }
}
