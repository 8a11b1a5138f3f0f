import PosrevokeCore

/// A terminal whose commands go through its TMS (`tms:`) while its own driver answers polls: transactions,
/// feedback, status, notices and open orders from `polling`; method switches, updates, uninstalls and the
/// self-test from `commands`.
struct TMSRoutedDriver: TerminalDriver {
    let polling: any TerminalDriver
    let commands: any TerminalDriver

    var enforcesTimeouts: Bool { polling.enforcesTimeouts }

    func status(of terminal: Terminal) async throws -> TerminalStatus { try await polling.status(of: terminal) }

    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
        try await polling.transactions(of: terminal, after: cursor, limit: limit)
    }

    func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
        try await polling.feedback(of: terminal, after: cursor, limit: limit)
    }

    func showNotice(id: String, text: String, on terminal: Terminal) async throws {
        try await polling.showNotice(id: id, text: text, on: terminal)
    }

    func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]? {
        try await polling.openOrders(provider, on: terminal)
    }

    func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
        try await commands.setCreditPay(provider, enabled: enabled, on: terminal)
    }

    func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {
        try await commands.pushUpdate(id: id, removing: providers, on: terminal)
    }

    func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? {
        try await commands.updateState(id: id, on: terminal)
    }

    func selftest(on terminal: Terminal) async throws -> SelftestResult { try await commands.selftest(on: terminal) }

    func removeProviderSoftware(_ provider: CreditProvider, on terminal: Terminal) async throws {
        try await commands.removeProviderSoftware(provider, on: terminal)
    }
}
