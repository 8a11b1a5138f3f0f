import Foundation
import PosrevokeCore

/// What one poll brought back.
struct PollResult: Sendable {
    var terminal: String
    var page: Result<TransactionPage, PollFailure>
}

/// A poll that failed, with a reason fit for a journal field.
struct PollFailure: Error, Sendable {
    var reason: String
}

/// Runs one poll against a terminal's driver under the per-poll timeout.
struct Poller: Sendable {
    let driver: any TerminalDriver
    let timeout: Duration
    let pageLimit: Int

    func poll(_ terminal: Terminal, after cursor: Int64) async -> PollResult {
        do {
            let page = try await withTimeout(timeout) {
                try await driver.transactions(of: terminal, after: cursor, limit: pageLimit)
            }
            return PollResult(terminal: terminal.id, page: .success(page))
        } catch {
            return PollResult(terminal: terminal.id, page: .failure(PollFailure(reason: "\(error)")))
        }
    }

    private func withTimeout<T: Sendable>(
        _ limit: Duration,
        _ work: @escaping @Sendable () async throws -> T
    )
        async throws -> T
    {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw DriverError.timedOut(limit)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
