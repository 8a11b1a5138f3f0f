public import Foundation

/// What a gateway's batch answer says about one terminal it was asked for.
public enum GatewayOutcome: Sendable, Equatable {
    /// A page that passed every check a terminal's own answer passes.
    case page(TransactionPage)
    /// The gateway could not answer for the terminal (it is offline, unknown to it, …): its code and message.
    case refused(code: String, message: String)
    /// The terminal's part of the answer breaks the protocol; the rest of the answer still counts.
    case invalid(AgentProtocolError)
}

extension AgentDecoding {
    /// The longest error code and message a gateway may give for one terminal.
    public static let maxGatewayCode = 64
    public static let maxGatewayMessage = 1024

    /// Checks a batch answer against what was asked (`asked`: terminal id → cursor) and returns an outcome for
    /// every terminal asked for. The answer as a whole is refused (thrown) when it is not JSON of the right shape,
    /// names a terminal twice or one that was not asked for: a gateway that confuses its terminals cannot be
    /// trusted for any of them. A terminal left out, or whose page fails a check, gets `.invalid`.
    public static func gatewayTransactions(
        _ data: Data,
        asked: [String: Int64],
        limit: Int,
        now: Date? = nil
    ) throws(AgentProtocolError) -> [String: GatewayOutcome] {
        let wire = try decode(AgentWire.GatewayAnswer.self, from: data)
        var outcomes: [String: GatewayOutcome] = [:]
        for (index, entry) in wire.terminals.enumerated() {
            guard let cursor = asked[entry.terminal_id] else {
                throw AgentProtocolError("terminals[\(index)]: a terminal that was not asked for")
            }
            guard outcomes[entry.terminal_id] == nil else {
                throw AgentProtocolError("terminals[\(index)]: terminal '\(entry.terminal_id)' answered twice")
            }
            outcomes[entry.terminal_id] = outcome(of: entry, after: cursor, limit: limit, now: now)
        }
        for terminal in asked.keys where outcomes[terminal] == nil {
            outcomes[terminal] = .invalid(AgentProtocolError("the gateway's answer left this terminal out"))
        }
        return outcomes
    }

    private static func outcome(
        of entry: AgentWire.GatewayPage,
        after cursor: Int64,
        limit: Int,
        now: Date?
    ) -> GatewayOutcome {
        switch (entry.transactions, entry.next_after, entry.error) {
        case (let transactions?, let nextAfter?, nil):
            do {
                let wire = AgentWire.Transactions(transactions: transactions, next_after: nextAfter)
                return .page(try page(wire, after: cursor, limit: limit, now: now))
            } catch {
                return .invalid(error)
            }
        case (nil, nil, let failure?):
            guard failure.error.utf8.count <= maxGatewayCode, failure.message.utf8.count <= maxGatewayMessage else {
                return .invalid(
                    AgentProtocolError(
                        "error code over \(maxGatewayCode) bytes or message over \(maxGatewayMessage) bytes"
                    )
                )
            }
            return .refused(code: failure.error, message: failure.message)
        default:
            return .invalid(AgentProtocolError("needs either transactions and next_after, or error"))
        }
    }
}
