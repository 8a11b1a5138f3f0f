public import Foundation

/// One alert transition that should reach operators: a firing, a repeat of a firing, or a resolution.
public struct Announcement: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable {
        case firing
        case resolved
    }

    public var key: AlertKey
    public var phase: Phase
    public var isRepeat: Bool
    public var store: String
    public var since: Date
    public var at: Date
    /// Extra journal fields that prove the finding, e.g. `TRANSACTION_ID`.
    public var evidence: [String: String]
    /// One sentence a person understands.
    public var summary: String

    public init(
        key: AlertKey,
        phase: Phase,
        isRepeat: Bool = false,
        store: String,
        since: Date,
        at: Date,
        evidence: [String: String] = [:],
        summary: String
    ) {
        self.key = key
        self.phase = phase
        self.isRepeat = isRepeat
        self.store = store
        self.since = since
        self.at = at
        self.evidence = evidence
        self.summary = summary
    }

    /// The journal priority: the kind's severity while firing, notice (5) once resolved.
    public var priority: Int { phase == .firing ? key.kind.severity.priority : 5 }

    /// The structured fields of this transition's journal entry (without `MESSAGE`, `PRIORITY` and identifier).
    public var fields: [String: String] {
        var fields = evidence
        fields[JournalField.messageID] = key.messageID
        fields[JournalField.alert] = key.kind.rawValue
        fields[JournalField.alertState] = phase.rawValue
        fields["ALERT_KEY"] = key.description
        fields["ALERT_SEVERITY"] = key.kind.severity.rawValue
        fields["ALERT_SINCE"] = Self.timestamp(since)
        switch key.scope {
        case .terminal: fields[JournalField.terminalID] = key.terminal
        case .store: break
        case .merchant: fields[JournalField.merchantID] = key.subject
        }
        if !store.isEmpty { fields[JournalField.storeID] = store }
        if !key.source.isEmpty { fields[JournalField.evidenceSource] = key.source }
        if !key.provider.isEmpty { fields[JournalField.provider] = key.provider }
        if isRepeat { fields["ALERT_REPEAT"] = "1" }
        return fields
    }

    /// The `MESSAGE=` text: state, kind and the human summary.
    public var message: String {
        let verb = phase == .resolved ? "RESOLVED" : (isRepeat ? "STILL FIRING" : "FIRING")
        switch key.scope {
        case .terminal: break
        case .store: return "\(verb) \(key.kind.rawValue) at store \(store): \(summary)"
        case .merchant: return "\(verb) \(key.kind.rawValue) for merchant \(key.subject): \(summary)"
        }
        return "\(verb) \(key.kind.rawValue) on \(key.terminal) (store \(store)): \(summary)"
    }

    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }
}
