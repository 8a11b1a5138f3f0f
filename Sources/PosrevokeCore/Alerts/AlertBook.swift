public import Foundation

/// One alert's persisted record: its lifecycle plus what the last evaluation said about it.
public struct AlertRecord: Sendable, Equatable, Codable {
    public var key: AlertKey
    public var store: String
    public var machine: AlertStateMachine
    public var evidence: [String: String]
    public var summary: String

    public init(key: AlertKey, store: String) {
        self.key = key
        self.store = store
        self.machine = AlertStateMachine()
        self.evidence = [:]
        self.summary = ""
    }
}

/// Every alert the daemon knows, deduplicated by key, turning rule conditions into announcements.
///
/// Pure. The daemon persists the records it reports as changed, in the same transaction as the data that
/// caused the change.
public struct AlertBook: Sendable {
    public private(set) var records: [AlertKey: AlertRecord]

    public init(records: [AlertKey: AlertRecord] = [:]) { self.records = records }

    public var firingCount: Int { records.values.filter(\.machine.isFiring).count }

    /// Terminals with a per-terminal record in any state: their conditions must be re-evaluated on the clock.
    public var terminalsWithRecords: Set<String> {
        Set(records.keys.lazy.filter { $0.scope == .terminal }.map(\.terminal))
    }

    /// The outcome of applying conditions: what to announce, and which records must be saved.
    public struct Update: Sendable {
        public var announcements: [Announcement] = []
        public var changed: [AlertRecord] = []

        public init() {}
    }

    /// Feeds one evaluation's conditions for terminals in `store`.
    public mutating func apply(
        _ conditions: [Condition],
        store: String,
        config: DetectionSection,
        now: Date
    ) -> Update {
        var update = Update()
        for condition in conditions {
            if !condition.active && records[condition.key] == nil { continue }
            var record = records[condition.key] ?? AlertRecord(key: condition.key, store: store)
            let before = record
            let action = record.machine.observe(
                active: condition.active,
                now: now,
                pendingFor: config.pendingFor(condition.key.kind),
                repeatInterval: config.repeatInterval(condition.key.kind)
            )
            record.store = store
            if condition.active {
                record.evidence = condition.evidence
                record.summary = condition.summary
            }
            if let phase = phase(of: action) {
                update.announcements.append(
                    announcement(record, phase: phase, isRepeat: action == .repeatFiring, now: now)
                )
            }
            if record != before {
                records[condition.key] = record
                update.changed.append(record)
            }
        }
        return update
    }

    /// Resolves the alerts of terminals that left the inventory, and forgets them.
    public mutating func retire(terminals: Set<String>, now: Date) -> (update: Update, removed: [AlertKey]) {
        var update = Update()
        var removed: [AlertKey] = []
        for (key, record) in records where key.scope == .terminal && terminals.contains(key.terminal) {
            if record.machine.isFiring {
                var resolved = record
                resolved.summary = "terminal removed from the inventory"
                update.announcements.append(announcement(resolved, phase: .resolved, isRepeat: false, now: now))
            }
            records[key] = nil
            removed.append(key)
        }
        return (update, removed)
    }

    private func phase(of action: AlertStateMachine.Action) -> Announcement.Phase? {
        switch action {
        case .announceFiring, .repeatFiring: .firing
        case .announceResolved: .resolved
        case .none, .quietChange: nil
        }
    }

    private func announcement(
        _ record: AlertRecord,
        phase: Announcement.Phase,
        isRepeat: Bool,
        now: Date
    ) -> Announcement {
        let since: Date
        switch record.machine.state {
        case .firing(let start, _), .resolved(_, let start), .pending(let start): since = start
        case .inactive: since = now
        }
        let summary =
            phase == .resolved
            ? "cleared after \(Self.age(now.timeIntervalSince(since))); was: \(record.summary)" : record.summary
        return Announcement(
            key: record.key,
            phase: phase,
            isRepeat: isRepeat,
            store: record.store,
            since: since,
            at: now,
            evidence: record.evidence,
            summary: summary
        )
    }

    static func age(_ seconds: TimeInterval) -> String {
        let s = Int(max(0, seconds))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        return "\(s / 3600)h\(s % 3600 / 60)m"
    }
}
