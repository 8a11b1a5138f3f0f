public import Foundation

/// Where the proof of a finding came from.
public enum EvidenceSource: String, Sendable, Codable, CaseIterable {
    /// The terminal's own answers to polls.
    case terminal
    /// The payment platform's daily trade bill.
    case bill = "platform-bill"
    /// The payment platform's Pay Score callbacks.
    case callback = "platform-callback"
}

/// One thing the payment platform says happened after a cutover: a Pay Score payment in a bill, or a user opening
/// the cancelled service in a callback, attributed to a terminal, a store or the merchant as a whole.
public struct EvidenceSighting: Sendable, Equatable, Codable {
    public var source: EvidenceSource
    public var provider: CreditProvider
    public var scope: AlertScope
    /// A terminal, store or merchant id, as `scope` says.
    public var subject: String
    /// The store the subject belongs to; empty for the merchant as a whole.
    public var store: String
    /// The platform's number for it: the merchant order number of a payment, the `out_request_no` of an
    /// authorization.
    public var reference: String
    /// When it happened at the platform.
    public var time: Date
    /// A short account for people: trade type and amount, or the event.
    public var detail: String

    public init(
        source: EvidenceSource,
        provider: CreditProvider,
        scope: AlertScope,
        subject: String,
        store: String,
        reference: String,
        time: Date,
        detail: String
    ) {
        self.source = source
        self.provider = provider
        self.scope = scope
        self.subject = subject
        self.store = store
        self.reference = reference
        self.time = time
        self.detail = detail
    }

    /// The alert this sighting keeps firing: one per source, subject and provider.
    public var key: AlertKey {
        AlertKey(
            kind: .lingeringCreditPay,
            terminal: scope == .terminal ? subject : scope.prefix + subject,
            provider: provider.rawValue,
            source: source.rawValue
        )
    }
}
