import Foundation
import GRDB
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// What a stopped daemon left in its state directory, checked against what the simulated terminals really logged.
enum StoreAudit {
    /// Each terminal's stored transactions must be exactly its simulated log up to the stored cursor: the same
    /// sequence numbers, ids and amounts, none missing and none twice. The simulated fleet's start is durable, so a
    /// restarted daemon met the same logs, not renumbered ones that would hide a gap. Returns the cursors.
    @discardableResult
    static func storeMatchesTerminalLogs(state: String, config: String, terminals: [String]) throws -> [String: Int64] {
        let db = try DatabaseQueue(path: state + "/state.sqlite")
        let fleet = try fleet(state: state, config: config)
        var cursors: [String: Int64] = [:]
        for terminal in terminals {
            let (stored, cursor) = try db.read { db in
                (
                    try Row.fetchAll(
                        db,
                        sql: "SELECT seq, id, amount_minor FROM txn WHERE terminal_id = ? ORDER BY seq",
                        arguments: [terminal]
                    ).map { "\($0["seq"] as Int64)/\($0["id"] as String)/\($0["amount_minor"] as Int64)" },
                    try Int64.fetchOne(
                        db,
                        sql: "SELECT next_after FROM cursor WHERE terminal_id = ?",
                        arguments: [terminal]
                    ) ?? 0
                )
            }
            #expect(cursor > 0, "\(terminal) was never polled")
            let log = try fleet.transactions(of: terminal, after: 0, limit: Int(cursor), now: Date())
                .transactions.map { "\($0.seq)/\($0.id)/\($0.amountMinor)" }
            #expect(log.count == Int(cursor))
            #expect(stored == log, "\(terminal): the store differs from the terminal's log up to the cursor")
            cursors[terminal] = cursor
        }
        return cursors
    }

    /// How many transactions `terminal`'s simulated log holds by `date`, to show a cursor caught up with it.
    static func logLength(state: String, config: String, terminal: String, at date: Date) throws -> Int {
        let fleet = try fleet(state: state, config: config)
        return try fleet.transactions(of: terminal, after: 0, limit: 1_000_000, now: date).transactions.count
    }

    /// The simulated fleet as the daemon ran it: its config and the start it recorded in the state directory.
    private static func fleet(state: String, config: String) throws -> SimulatedFleet {
        let simulation = try DatabaseQueue(path: state + "/simulation.sqlite")
        let started = try simulation.read {
            try Double.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'fleet_start'")
        }
        let parsed = try ConfigParser.load(path: config)
        return SimulatedFleet(
            simulation: parsed.simulation,
            terminals: parsed.terminals,
            start: Date(timeIntervalSince1970: try #require(started))
        )
    }
}
