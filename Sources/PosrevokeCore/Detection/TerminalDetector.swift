public import Foundation

/// Everything the rules remember about one terminal, fed by polls and asked for conditions.
///
/// Pure and `Codable`: the daemon stores it in the same transaction as the poll cursor, so detection
/// picks up exactly where it was after a restart.
public struct TerminalDetector: Sendable, Equatable, Codable {
    /// The newest approved credit-score payment seen after cutover, per provider.
    public var lingering: [String: LingeringEvidence] = [:]
    /// Times of declined or failed credit-score-pay attempts after cutover, per provider.
    public var attempts: [String: [Date]] = [:]
    /// Consecutive failed polls, and the last error.
    public var failedPolls = 0
    public var lastPollError: String?
    /// Non-credit payments after cutover: (time, failed).
    public var recentOutcomes: [OutcomeSample] = []
    /// Non-credit payments before cutover, the terminal's own failure baseline.
    public var baselineTotal = 0
    public var baselineFailures = 0

    public init() {}

    /// No rule can find anything here however much time passes, so there is nothing to re-evaluate on the clock
    /// until the next poll brings news.
    public var isQuiet: Bool {
        lingering.isEmpty && attempts.isEmpty && failedPolls == 0 && !recentOutcomes.contains(where: \.failed)
    }

    /// Feeds transactions the store has just accepted as new (already deduplicated).
    public mutating func ingest(_ transactions: [Transaction], terminal: Terminal, observedAt now: Date) {
        let cutover = terminal.earliestCutover
        for transaction in transactions {
            if let provider = transaction.creditProvider {
                guard let cancellation = terminal.providers[provider], cancellation.isAfterCutover(transaction.time)
                else { continue }
                if transaction.outcome == .approved {
                    var evidence = lingering[provider.rawValue] ?? LingeringEvidence(firstSeen: now)
                    evidence.record(transaction, observedAt: now)
                    lingering[provider.rawValue] = evidence
                } else {
                    attempts[provider.rawValue, default: []].append(transaction.time)
                }
            } else if transaction.method != .creditScorePay {
                let failed = transaction.outcome == .error
                if let cutover, transaction.time >= cutover {
                    recentOutcomes.append(OutcomeSample(time: transaction.time, failed: failed))
                } else if baselineTotal < Int.max {
                    baselineTotal += 1
                    baselineFailures += failed ? 1 : 0
                }
            }
        }
    }

    public mutating func pollSucceeded() {
        failedPolls = 0
        lastPollError = nil
    }

    public mutating func pollFailed(_ error: String) {
        failedPolls = failedPolls < Int.max ? failedPolls + 1 : failedPolls
        lastPollError =
            error.count <= Self.maxErrorCharacters ? error : String(error.prefix(Self.maxErrorCharacters)) + "…"
    }

    /// Hard bounds of what one terminal's memory holds, whatever its agent sends: attempts kept per provider and
    /// payment outcomes kept for the failure rate (the newest; raised to the rule's `threshold` or `min_sample`
    /// when those are set higher, so the rules can still fire), and the length of the last poll error.
    public static let maxAttempts = 1000
    public static let maxOutcomes = 1000
    public static let maxErrorCharacters = 500

    /// Drops memory older than any rule can look back, so state stays bounded.
    public mutating func prune(now: Date, config: DetectionSection) {
        let attemptHorizon = now.addingTimeInterval(-config.creditPayAttempt.window.seconds)
        attempts = attempts.compactMapValues { times in
            let kept = times.filter { $0 >= attemptHorizon }
            return kept.isEmpty ? nil : kept
        }
        let rateHorizon = now.addingTimeInterval(-config.paymentFailureRate.window.seconds)
        recentOutcomes.removeAll { $0.time < rateHorizon }
        let attemptCap = max(Self.maxAttempts, config.creditPayAttempt.threshold)
        for (provider, times) in attempts where times.count > attemptCap {
            attempts[provider] = Array(times.sorted().suffix(attemptCap))
        }
        let outcomeCap = max(Self.maxOutcomes, config.paymentFailureRate.minSample)
        if recentOutcomes.count > outcomeCap {
            recentOutcomes = Array(recentOutcomes.sorted { $0.time < $1.time }.suffix(outcomeCap))
        }
    }
}

/// The proof behind a `lingering-credit-pay` alert.
public struct LingeringEvidence: Sendable, Equatable, Codable {
    public var firstSeen: Date
    public var lastSeen: Date
    public var count = 0
    public var firstTransactionID = ""
    public var lastTransactionID = ""
    public var lastTransactionTime = Date(timeIntervalSince1970: 0)
    public var lastAmountMinor: Int64 = 0
    public var currency = ""

    public init(firstSeen: Date) {
        self.firstSeen = firstSeen
        self.lastSeen = firstSeen
    }

    mutating func record(_ transaction: Transaction, observedAt now: Date) {
        if count == 0 { firstTransactionID = transaction.id }
        count += 1
        lastSeen = now
        lastTransactionID = transaction.id
        lastTransactionTime = transaction.time
        lastAmountMinor = transaction.amountMinor
        currency = transaction.currency
    }
}

/// One non-credit payment in the failure-rate window.
public struct OutcomeSample: Sendable, Equatable, Codable {
    public var time: Date
    public var failed: Bool
}
