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

/// A driver whose polls need no Swift task: the answer is checked where it arrives (an event loop) and handed on
/// from there. Polls are the daemon's hot path; a task per poll cost more in thread hops than the poll's own work.
/// Its calls end by the poll timeout on their own.
protocol TasklessPolling: TerminalDriver {
    func transactions(
        of terminal: Terminal,
        after cursor: Int64,
        limit: Int,
        completion: @escaping @Sendable (Result<TransactionPage, DriverError>) -> Void
    )
    func feedback(
        of terminal: Terminal,
        after cursor: Int64,
        limit: Int,
        completion: @escaping @Sendable (Result<FeedbackPage, DriverError>) -> Void
    )
}

extension TasklessPolling {
    /// The async calls, for job steps and tests, on the same code as the polls.
    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
        try await withCheckedThrowingContinuation { continuation in
            transactions(of: terminal, after: cursor, limit: limit) { continuation.resume(with: $0) }
        }
    }

    func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
        try await withCheckedThrowingContinuation { continuation in
            feedback(of: terminal, after: cursor, limit: limit) { continuation.resume(with: $0) }
        }
    }
}

/// Runs one poll against a terminal's driver under the per-poll timeout.
struct Poller: Sendable {
    let driver: any TerminalDriver
    let timeout: Duration
    let pageLimit: Int
    var feedbackPageLimit = 200
    /// The same driver when it polls without a task; decided once, not per poll.
    private let taskless: (any TasklessPolling)?

    init(driver: any TerminalDriver, timeout: Duration, pageLimit: Int) {
        self.driver = driver
        self.timeout = timeout
        self.pageLimit = pageLimit
        taskless = driver as? any TasklessPolling
    }

    /// Asks for transactions, and for feedback too when `feedbackCursor` is given and transactions came back;
    /// `completion` gets the result on whatever thread the driver answered on.
    func poll(
        _ terminal: Terminal,
        after cursor: Int64,
        feedbackAfter feedbackCursor: Int64? = nil,
        completion: @escaping @Sendable (PollResult) -> Void
    ) {
        guard let driver = taskless else {
            Task { completion(await poll(terminal, after: cursor, feedbackAfter: feedbackCursor)) }
            return
        }
        driver.transactions(of: terminal, after: cursor, limit: pageLimit) { page in
            finish(
                terminal,
                page: page.mapError { PollFailure(reason: "\($0)") },
                feedbackAfter: feedbackCursor,
                completion: completion
            )
        }
    }

    /// Completes a poll whose transactions are in: asks for feedback too when it is due and they came back. A
    /// gateway's batch brings the transactions of many terminals; each one's poll ends here.
    func finish(
        _ terminal: Terminal,
        page: Result<TransactionPage, PollFailure>,
        feedbackAfter feedbackCursor: Int64?,
        completion: @escaping @Sendable (PollResult) -> Void
    ) {
        let result = PollResult(terminal: terminal.id, page: page)
        guard let feedbackCursor, case .success = page, let driver = taskless else { return completion(result) }
        driver.feedback(of: terminal, after: feedbackCursor, limit: feedbackPageLimit) { feedback in
            var result = result
            result.take(feedback: feedback)
            completion(result)
        }
    }

    /// The same poll in a task, for drivers that only answer async.
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
        let limit = feedbackPageLimit
        do {
            let page = try await withTimeout(timeout) {
                try await driver.feedback(of: terminal, after: feedbackCursor, limit: limit)
            }
            result.take(feedback: Result<FeedbackPage, any Error>.success(page))
        } catch {
            result.take(feedback: Result<FeedbackPage, any Error>.failure(error))
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

extension PollResult {
    /// Records the feedback half of a poll: a page, a driver without feedback, or why it failed.
    fileprivate mutating func take<E: Error>(feedback: Result<FeedbackPage, E>) {
        switch feedback {
        case .success(let page): self.feedback = .success(page)
        case .failure(let error):
            if case .unsupported? = error as? DriverError {
                feedbackUnsupported = true
            } else {
                self.feedback = .failure(PollFailure(reason: "\(error)"))
            }
        }
    }
}
