/// The kinds of finding the daemon raises. Raw values are the `POSREVOKE_ALERT=` journal field.
public enum AlertKind: String, Sendable, Codable, CaseIterable {
    case lingeringCreditPay = "lingering-credit-pay"
    case creditPayAttempt = "credit-pay-attempt"
    case terminalUnreachable = "terminal-unreachable"
    case paymentFailureRate = "payment-failure-rate"
    /// A cancellation job exhausted its retries or met a permanent error.
    case jobFailed = "job-failed"
    /// A deactivation application has waited for the platform's review longer than the plan allows.
    case reviewOverdue = "review-overdue"
    /// A plan's health gate failed between waves and the plan was paused. The key's terminal is the plan id.
    case healthGateFailed = "health-gate-failed"
    /// People at a store are markedly less happy after the cutover than before. The key's terminal is the store id.
    case negativeFeedback = "negative-feedback"

    public var severity: AlertSeverity {
        switch self {
        case .lingeringCreditPay: .critical
        case .creditPayAttempt, .paymentFailureRate, .terminalUnreachable, .jobFailed, .reviewOverdue,
            .healthGateFailed, .negativeFeedback:
            .warning
        }
    }

    /// The stable journal `MESSAGE_ID` of this kind; `deploy/posrevoke.catalog` explains each one.
    public var messageID: String {
        switch self {
        case .lingeringCreditPay: MessageID.lingeringCreditPay
        case .creditPayAttempt: MessageID.creditPayAttempt
        case .terminalUnreachable: MessageID.terminalUnreachable
        case .paymentFailureRate: MessageID.paymentFailureRate
        case .jobFailed: MessageID.jobFailed
        case .reviewOverdue: MessageID.reviewOverdue
        case .healthGateFailed: MessageID.healthGateFailed
        case .negativeFeedback: MessageID.negativeFeedback
        }
    }

    /// Kinds raised for a whole store: the key's terminal field holds the store id.
    public var isPerStore: Bool { self == .negativeFeedback }
}

/// How urgent an alert is; decides the journal `PRIORITY`.
public enum AlertSeverity: String, Sendable, Codable {
    case critical
    case warning

    /// syslog priority: 2 (crit) or 4 (warning).
    public var priority: Int { self == .critical ? 2 : 4 }
}

/// Identifies one alert for dedup: kind + terminal + provider (empty when the kind has none).
public struct AlertKey: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var kind: AlertKind
    public var terminal: String
    public var provider: String

    public init(kind: AlertKind, terminal: String, provider: String = "") {
        self.kind = kind
        self.terminal = terminal
        self.provider = provider
    }

    /// `kind/terminal/provider`, the `ALERT_KEY=` field and the store's primary key.
    public var description: String { "\(kind.rawValue)/\(terminal)/\(provider.isEmpty ? "-" : provider)" }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let kind = AlertKind(rawValue: parts[0]) else { return nil }
        self.init(kind: kind, terminal: parts[1], provider: parts[2] == "-" ? "" : parts[2])
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}
