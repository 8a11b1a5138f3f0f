/// The optional gateway batch endpoint of protocol v1, `POST {gateway}/v1/gateway/transactions`: one request
/// names many terminals with their cursors, one answer carries a page (or an error) for each.
extension AgentWire {
    public struct GatewayCursor: Codable, Sendable, Equatable {
        public var terminal_id: String
        public var after: Int64

        public init(terminal_id: String, after: Int64) {
            self.terminal_id = terminal_id
            self.after = after
        }
    }

    public struct GatewayRequest: Codable, Sendable, Equatable {
        /// The most transactions per terminal.
        public var limit: Int
        public var terminals: [GatewayCursor]

        public init(limit: Int, terminals: [GatewayCursor]) {
            self.limit = limit
            self.terminals = terminals
        }
    }

    /// One terminal's part of the answer: a page (`transactions` and `next_after`) or an `error`.
    public struct GatewayPage: Codable, Sendable, Equatable {
        public var terminal_id: String
        public var transactions: [TransactionItem]?
        public var next_after: Int64?
        public var error: Failure?

        public init(terminal_id: String, page: Transactions) {
            self.terminal_id = terminal_id
            transactions = page.transactions
            next_after = page.next_after
        }

        public init(terminal_id: String, error: Failure) {
            self.terminal_id = terminal_id
            self.error = error
        }
    }

    public struct GatewayAnswer: Codable, Sendable, Equatable {
        public var terminals: [GatewayPage]

        public init(terminals: [GatewayPage]) { self.terminals = terminals }
    }
}
