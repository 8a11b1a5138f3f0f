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
    /// A day's trade bill could not be downloaded or checked for longer than `bills.late_after`. The key's subject is
    /// the merchant.
    case tradeBillMissing = "trade-bill-missing"

    public var severity: AlertSeverity {
        switch self {
        case .lingeringCreditPay: .critical
        case .creditPayAttempt, .paymentFailureRate, .terminalUnreachable, .jobFailed, .reviewOverdue,
            .healthGateFailed, .negativeFeedback, .tradeBillMissing:
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
        case .tradeBillMissing: MessageID.tradeBillMissing
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

/// Identifies one alert for dedup: kind + subject + provider (empty when the kind has none), and for the payment
/// platform's own evidence its source, so a platform's finding never fights a terminal's over one record.
public struct AlertKey: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var kind: AlertKind
    /// A terminal id; a store id for per-store kinds; `store:ID` or `merchant:MCHID` for platform evidence that
    /// names no terminal (`AlertScope`).
    public var terminal: String
    public var provider: String
    /// `platform-bill` or `platform-callback` for the platform's evidence; empty for everything else.
    public var source: String

    public init(kind: AlertKind, terminal: String, provider: String = "", source: String = "") {
        self.kind = kind
        self.terminal = terminal
        self.provider = provider
        self.source = source
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(AlertKind.self, forKey: .kind)
        terminal = try container.decode(String.self, forKey: .terminal)
        provider = try container.decode(String.self, forKey: .provider)
        // Records saved before platform evidence existed carry no source.
        source = try container.decodeIfPresent(String.self, forKey: .source) ?? ""
    }

    /// `kind/terminal/provider[/source]`, the `ALERT_KEY=` field and the store's primary key.
    public var description: String {
        let base = "\(kind.rawValue)/\(terminal)/\(provider.isEmpty ? "-" : provider)"
        return source.isEmpty ? base : base + "/" + source
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, let kind = AlertKind(rawValue: parts[0]) else { return nil }
        self.init(
            kind: kind,
            terminal: parts[1],
            provider: parts[2] == "-" ? "" : parts[2],
            source: parts.count == 4 ? parts[3] : ""
        )
    }

    /// What the subject names: one terminal, a store, or the merchant as a whole.
    public var scope: AlertScope {
        if terminal.hasPrefix(AlertScope.store.prefix) { return .store }
        if terminal.hasPrefix(AlertScope.merchant.prefix) { return .merchant }
        return kind.isPerStore ? .store : .terminal
    }

    /// The subject without its scope prefix: a terminal, store or merchant id.
    public var subject: String {
        let prefix = scope.prefix
        return terminal.hasPrefix(prefix) ? String(terminal.dropFirst(prefix.count)) : terminal
    }

    /// The journal `MESSAGE_ID`: the kind's, or for the platform's evidence its source's, whose catalog entry
    /// explains that evidence.
    public var messageID: String {
        switch (kind, source) {
        case (.lingeringCreditPay, EvidenceSource.bill.rawValue): MessageID.lingeringFromBill
        case (.lingeringCreditPay, EvidenceSource.callback.rawValue): MessageID.lingeringFromCallback
        default: kind.messageID
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

/// What an alert is about. Platform evidence often names no terminal: a store (by its sub-merchant) or the merchant.
public enum AlertScope: String, Sendable, Codable {
    case terminal
    case store
    case merchant

    /// How a key's subject says it names a store or the merchant rather than a terminal.
    public var prefix: String { rawValue + ":" }
}
