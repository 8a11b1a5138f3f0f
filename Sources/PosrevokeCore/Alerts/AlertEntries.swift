/// Turns what flood control emitted into the journal entries to write, each with the outbox rows it settles.
///
/// A single transition settles its own row. A summary settles nothing itself and is followed by one entry per
/// transition it stands for, at `coalescedPriority`, below the notification threshold: the summary is what
/// notifies, and every transition of every terminal can still be found by its fields.
public enum AlertEntries {
    public struct Entry: Sendable, Equatable {
        public var message: String
        public var priority: Int
        public var fields: [String: String]
        /// Outbox rows that may be deleted once this entry, and all before it, are written.
        public var settles: [Int64]
    }

    /// info: below notice (5), the lowest priority of an entry that notifies (a resolution).
    public static let coalescedPriority = 6

    /// - Parameter outbox: every row taken into flood control since the last emissions, in order. Rows no emission
    ///   names (which flood control never leaves) are written as coalesced entries, so none is lost.
    public static func entries(
        for emissions: [FloodControl.Emission],
        outbox: [(id: Int64, announcement: Announcement)]
    ) -> [Entry] {
        var ids: [String: [Int64]] = [:]
        for row in outbox { ids[identity(row.announcement), default: []].append(row.id) }
        var unclaimed = Set(outbox.map(\.id))
        func claim(_ announcement: Announcement) -> [Int64] {
            let identity = identity(announcement)
            guard var queue = ids[identity], !queue.isEmpty else { return [] }
            let id = queue.removeFirst()
            ids[identity] = queue
            unclaimed.remove(id)
            return [id]
        }
        var entries: [Entry] = []
        for emission in emissions {
            switch emission {
            case .single(let announcement):
                entries.append(
                    Entry(
                        message: announcement.message,
                        priority: announcement.priority,
                        fields: announcement.fields,
                        settles: claim(announcement)
                    )
                )
            case .summary(let summary):
                entries.append(
                    Entry(message: summary.message, priority: summary.priority, fields: summary.fields, settles: [])
                )
                for member in summary.members { entries.append(coalesced(member, settles: claim(member))) }
            }
        }
        for row in outbox where unclaimed.contains(row.id) {
            entries.append(coalesced(row.announcement, settles: [row.id]))
        }
        return entries
    }

    static func coalesced(_ announcement: Announcement, settles: [Int64]) -> Entry {
        var fields = announcement.fields
        fields["ALERT_COALESCED"] = "1"
        return Entry(
            message: announcement.message + " (coalesced into a summary)",
            priority: coalescedPriority,
            fields: fields,
            settles: settles
        )
    }

    private static func identity(_ announcement: Announcement) -> String {
        "\(announcement.key)|\(announcement.phase.rawValue)|\(announcement.isRepeat)|\(announcement.at.timeIntervalSince1970)"
    }
}
