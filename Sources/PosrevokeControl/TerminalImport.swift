public import PosrevokeCore

/// `terminals.import`: what the TMS lists, and the poll interval that keeps its polls inside half the key's budget
/// when every listed terminal is polled through it.
public struct TerminalImport: Codable, Sendable, Equatable {
    public var terminals: [PaxstoreWire.Terminal]
    /// The whole listing, counted by the TMS; `terminals` is shorter only when the listing was cut at the limit.
    public var totalCount: Int
    public var pollIntervalSeconds: Int

    public init(terminals: [PaxstoreWire.Terminal], totalCount: Int, pollIntervalSeconds: Int) {
        self.terminals = terminals
        self.totalCount = totalCount
        self.pollIntervalSeconds = pollIntervalSeconds
    }
}
