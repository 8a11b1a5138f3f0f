import Foundation
import PosrevokeCore

/// What one poll brought back.
struct PollResult: Sendable {
    var terminal: String
    var page: Result<TransactionPage, PollFailure>
    /// Present when this poll also asked for feedback.
    var feedback: Result<FeedbackPage, PollFailure>? = nil
    /// The driver has no feedback to give.
    var feedbackUnsupported = false
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
    var feedbackPageLimit = 200

    /// Asks for transactions, and for feedback too when `feedbackCursor` is given and transactions came back.
    func poll(_ terminal: Terminal, after cursor: Int64, feedbackAfter feedbackCursor: Int64? = nil) async -> PollResult
    {
        var result: PollResult
        do {
            let page = try await withTimeout(timeout) {
                try await driver.transactions(of: terminal, after: cursor, limit: pageLimit)
            }
            result = PollResult(terminal: terminal.id, page: .success(page))
        } catch {
            return PollResult(terminal: terminal.id, page: .failure(PollFailure(reason: "\(error)")))
        }
        guard let feedbackCursor else { return result }
        do {
            let limit = feedbackPageLimit
            let page = try await withTimeout(timeout) {
                try await driver.feedback(of: terminal, after: feedbackCursor, limit: limit)
            }
            result.feedback = .success(page)
        } catch DriverError.unsupported {
            result.feedbackUnsupported = true
        } catch {
            result.feedback = .failure(PollFailure(reason: "\(error)"))
        }
        return result
    }

    /// The driver's own timeouts where it enforces them (the HTTP client's deadline), else the poll's deadline.
    private func withTimeout<T: Sendable>(
        _ limit: Duration,
        _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        if driver.enforcesTimeouts { return try await work() }
        return try await withDeadline(limit, work) { throw DriverError.timedOut(limit) }
    }
}
