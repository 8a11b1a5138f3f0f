/// A rule's verdict for one alert key at one moment: does the condition hold, and what proves it.
public struct Condition: Sendable, Equatable {
    public var key: AlertKey
    public var active: Bool
    public var evidence: [String: String]
    public var summary: String

    public init(key: AlertKey, active: Bool, evidence: [String: String] = [:], summary: String) {
        self.key = key
        self.active = active
        self.evidence = evidence
        self.summary = summary
    }
}

/// The `for:` and repeat settings of each rule, looked up by kind.
extension DetectionSection {
    public func pendingFor(_ kind: AlertKind) -> Duration {
        switch kind {
        case .lingeringCreditPay, .terminalUnreachable, .jobFailed, .reviewOverdue, .healthGateFailed,
            .negativeFeedback, .tradeBillMissing:
            .zero
        case .creditPayAttempt: creditPayAttempt.pendingFor
        case .paymentFailureRate: paymentFailureRate.pendingFor
        }
    }

    public func repeatInterval(_ kind: AlertKind) -> Duration {
        switch kind {
        case .lingeringCreditPay: lingeringCreditPay.repeatInterval
        case .creditPayAttempt: creditPayAttempt.repeatInterval
        case .terminalUnreachable: terminalUnreachable.repeatInterval
        case .paymentFailureRate: paymentFailureRate.repeatInterval
        case .jobFailed, .reviewOverdue, .healthGateFailed, .tradeBillMissing: .seconds(86400)
        case .negativeFeedback: negativeFeedback.repeatInterval
        }
    }

    public func isEnabled(_ kind: AlertKind) -> Bool {
        switch kind {
        case .lingeringCreditPay: lingeringCreditPay.enabled
        case .creditPayAttempt: creditPayAttempt.enabled
        case .terminalUnreachable: terminalUnreachable.enabled
        case .paymentFailureRate: paymentFailureRate.enabled
        case .jobFailed, .reviewOverdue, .healthGateFailed, .tradeBillMissing: true
        case .negativeFeedback: negativeFeedback.enabled
        }
    }
}
