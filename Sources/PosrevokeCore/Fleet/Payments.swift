public import Foundation

/// How a customer paid. Credit-score pay is the method being retired; the others must keep working.
public enum PaymentMethod: String, Sendable, Codable, CaseIterable {
    case card
    case qr
    case cash
    case creditScorePay = "credit-score-pay"
}

/// The result a terminal reported for one payment.
public enum PaymentOutcome: String, Sendable, Codable, CaseIterable {
    case approved
    case declined
    case error
}

/// The credit-score-pay services the daemon knows how to watch.
public enum CreditProvider: String, Sendable, Codable, CaseIterable, Comparable {
    case wechatPayscore = "wechat-payscore"
    case alipayCredit = "alipay-credit"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One payment as a terminal reports it. `seq` grows per terminal; `id` is globally unique and used for dedup.
public struct Transaction: Sendable, Hashable, Codable {
    public var seq: Int64
    public var id: String
    public var time: Date
    public var method: PaymentMethod
    public var provider: String?
    public var amountMinor: Int64
    public var currency: String
    public var outcome: PaymentOutcome
    public var errorCode: String?

    public init(
        seq: Int64,
        id: String,
        time: Date,
        method: PaymentMethod,
        provider: String?,
        amountMinor: Int64,
        currency: String,
        outcome: PaymentOutcome,
        errorCode: String?
    ) {
        self.seq = seq
        self.id = id
        self.time = time
        self.method = method
        self.provider = provider
        self.amountMinor = amountMinor
        self.currency = currency
        self.outcome = outcome
        self.errorCode = errorCode
    }

    /// The credit provider of a credit-score-pay transaction, `nil` for every other method.
    public var creditProvider: CreditProvider? {
        guard method == .creditScorePay, let provider else { return nil }
        return CreditProvider(rawValue: provider)
    }
}

/// A slice of a terminal's transaction log after a cursor. Delivery is at-least-once.
public struct TransactionPage: Sendable, Equatable {
    public var transactions: [Transaction]
    public var nextAfter: Int64
    /// Entries the agent dated too far ahead of the daemon's clock; their times were clamped to it.
    public var futureTimesClamped = 0

    public init(transactions: [Transaction], nextAfter: Int64) {
        self.transactions = transactions
        self.nextAfter = nextAfter
    }
}
