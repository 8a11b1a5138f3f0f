public import Foundation

/// Keeps a storm of transitions (a store or the whole fleet failing at once) from flooding the journal.
///
/// A token bucket admits individual announcements. When a batch does not fit, the gate enters a storm:
/// everything is collected for `summaryInterval`, then announced as one entry per kind, phase and store,
/// or one per kind and phase for the fleet when even that would be too many. Alert state is kept per alert
/// regardless; only the journal lines are coalesced.
public struct FloodControl: Sendable {
    /// What to write: one alert transition, or a summary standing for many.
    public enum Emission: Sendable, Equatable {
        case single(Announcement)
        case summary(AlertSummary)
    }

    public let burst: Double
    public let ratePerSecond: Double
    public let summaryInterval: Duration
    public private(set) var tokens: Double
    public private(set) var suppressedTotal = 0
    private var lastRefill: Date?
    private var stormUntil: Date?
    private var held: [Announcement] = []

    public init(burst: Int, ratePerSecond: Double, summaryInterval: Duration) {
        self.burst = Double(burst)
        self.ratePerSecond = ratePerSecond
        self.summaryInterval = summaryInterval
        self.tokens = Double(burst)
    }

    public var inStorm: Bool { stormUntil != nil }

    /// Admits the batch gathered since the last call. Call it regularly, with an empty batch too, so a storm closes.
    public mutating func admit(_ batch: [Announcement], now: Date) -> [Emission] {
        refill(now)
        if let until = stormUntil {
            held += batch
            guard now >= until else { return [] }
            stormUntil = nil
            let emissions = summarise(held, now: now)
            held = []
            tokens = max(0, tokens - Double(emissions.count))
            return emissions
        }
        guard !batch.isEmpty else { return [] }
        if Double(batch.count) <= tokens {
            tokens -= Double(batch.count)
            return batch.map(Emission.single)
        }
        stormUntil = now.addingTimeInterval(summaryInterval.seconds)
        held = batch
        return []
    }

    private mutating func refill(_ now: Date) {
        if let last = lastRefill {
            tokens = min(burst, tokens + max(0, now.timeIntervalSince(last)) * ratePerSecond)
        }
        lastRefill = now
    }

    private mutating func summarise(_ held: [Announcement], now: Date) -> [Emission] {
        let byStore = Dictionary(grouping: held) { GroupKey(kind: $0.key.kind, phase: $0.phase, store: $0.store) }
        let groups: [GroupKey: [Announcement]]
        if Double(byStore.count) <= max(1, tokens) {
            groups = byStore
        } else {
            groups = Dictionary(grouping: held) { GroupKey(kind: $0.key.kind, phase: $0.phase, store: nil) }
        }
        return groups.keys.sorted().map { key in
            let members = groups[key] ?? []
            if members.count == 1 { return .single(members[0]) }
            suppressedTotal += members.count - 1
            return .summary(AlertSummary(kind: key.kind, phase: key.phase, store: key.store, members: members, at: now))
        }
    }

    private struct GroupKey: Hashable, Comparable {
        var kind: AlertKind
        var phase: Announcement.Phase
        var store: String?

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.kind.rawValue, lhs.phase.rawValue, lhs.store ?? "") < (
                rhs.kind.rawValue, rhs.phase.rawValue, rhs.store ?? ""
            )
        }
    }
}

/// Many transitions of one kind and phase, in one store (or across the fleet when `store` is nil).
public struct AlertSummary: Sendable, Equatable {
    public static let sampleSize = 20

    public var kind: AlertKind
    public var phase: Announcement.Phase
    public var store: String?
    public var terminals: [String]
    public var stores: [String]
    public var at: Date
    /// Every transition the summary stands for, in the order they arrived; each is also written on its own, below
    /// the notification threshold, so `journalctl TERMINAL_ID=…` finds it.
    public var members: [Announcement]

    public init(kind: AlertKind, phase: Announcement.Phase, store: String?, members: [Announcement], at: Date) {
        self.kind = kind
        self.phase = phase
        self.store = store
        self.terminals = Array(Set(members.map(\.key.terminal))).sorted()
        self.stores = Array(Set(members.map(\.store))).sorted()
        self.at = at
        self.members = members
    }

    public var priority: Int { phase == .firing ? kind.severity.priority : 5 }

    public var fields: [String: String] {
        var fields = [
            JournalField.messageID: MessageID.alertSummary,
            JournalField.alert: kind.rawValue,
            JournalField.alertState: phase.rawValue,
            "ALERT_SEVERITY": kind.severity.rawValue,
            "ALERT_SCOPE": store == nil ? "fleet" : "store",
            "ALERT_COUNT": String(terminals.count),
            "SUPPRESSED_COUNT": String(terminals.count - 1),
            "TERMINAL_IDS": terminals.prefix(Self.sampleSize).joined(separator: ","),
            "STORE_IDS": stores.prefix(Self.sampleSize).joined(separator: ","),
        ]
        if let store { fields[JournalField.storeID] = store }
        return fields
    }

    public var message: String {
        let scope = store.map { "store \($0)" } ?? "\(stores.count) stores"
        let sample = terminals.prefix(5).joined(separator: ", ")
        let more = terminals.count > 5 ? ", …" : ""
        return
            "\(phase == .firing ? "FIRING" : "RESOLVED") \(kind.rawValue) on \(terminals.count) terminals in \(scope)"
            + " (coalesced): \(sample)\(more)"
    }
}
