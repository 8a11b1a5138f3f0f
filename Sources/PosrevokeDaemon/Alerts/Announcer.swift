import Foundation
import GRDB
import Logging
import PosrevokeCore

/// Takes committed announcements from the outbox, passes them through flood control, and hands the resulting
/// entries to the journal writer's durable lane. Rows leave the outbox only once their entry is written (the writer
/// deletes them), so a journald that is down, a full queue or a restart loses nothing. Lives on the engine queue.
final class Announcer {
    private let logger: Logger
    private let store: StateStore
    private let journal: JournalQueue
    private var flood: FloodControl
    /// The highest outbox id read so far; rows above it are read at the next flush.
    private var readThrough: Int64 = 0
    /// Rows inside flood control while a storm is open, in order.
    private var held: [(id: Int64, announcement: Announcement)] = []
    /// Rows read per flush.
    static let pageSize = 2000
    /// No more rows are read while the writer holds this many entries: the rest wait in the outbox, on disk.
    static let maxInWriter = 20_000

    init(logger: Logger, store: StateStore, settings: AlertsSection, journal: JournalQueue = .shared) {
        self.logger = logger
        self.store = store
        self.journal = journal
        self.flood = FloodControl(
            burst: settings.burst,
            ratePerSecond: settings.ratePerSecond,
            summaryInterval: settings.summaryInterval
        )
        journal.setOnWritten { [store, logger] ids in
            do {
                try store.write { try StateStore.dequeue(ids, $0) }
                return true
            } catch {
                logger.error("cannot clear \(ids.count) written alert entries from the outbox: \(error)")
                return false
            }
        }
    }

    var suppressedTotal: Int { flood.suppressedTotal }
    /// Outbox rows not yet written to the journal, as of the last flush.
    private(set) var unwritten = 0

    /// New flood settings from a reload; an open storm is announced first so nothing held is lost.
    func apply(_ settings: AlertsSection, now: Date, keep: (Announcement) -> Bool) {
        let current = (Int(flood.burst), flood.ratePerSecond, flood.summaryInterval)
        guard current != (settings.burst, settings.ratePerSecond, settings.summaryInterval) else { return }
        flush(now: now.addingTimeInterval(flood.summaryInterval.seconds), keep: keep)
        flood = FloodControl(
            burst: settings.burst,
            ratePerSecond: settings.ratePerSecond,
            summaryInterval: settings.summaryInterval
        )
    }

    /// Reads new outbox rows and hands what flood control admits to the writer; call about once a second.
    /// - Parameter keep: whether an announcement is written at all (silences, acknowledged repeats); rows it refuses
    ///   are settled without an entry.
    func flush(now: Date, keep: (Announcement) -> Bool) {
        var fresh: [(id: Int64, announcement: Announcement)] = []
        var skipped: [Int64] = []
        if journal.durableStatus.held < Self.maxInWriter {
            for row in readOutbox() {
                readThrough = max(readThrough, row.id)
                guard let announcement = row.announcement else {
                    skipped.append(row.id)
                    continue
                }
                if keep(announcement) { fresh.append((row.id, announcement)) } else { skipped.append(row.id) }
            }
        }
        var entries: [JournalQueue.DurableEntry] = []
        if !skipped.isEmpty { entries.append(.init(fields: nil, settles: skipped)) }
        let emissions = flood.admit(fresh.map(\.announcement), now: now)
        held += fresh
        if !flood.inStorm && !held.isEmpty {
            entries += AlertEntries.entries(for: emissions, outbox: held).map {
                .init(fields: Self.journalFields($0), settles: $0.settles)
            }
            held = []
        }
        journal.enqueueDurable(entries)
        if unwritten > 0 || !fresh.isEmpty || !skipped.isEmpty || journal.durableStatus.held > 0 {
            unwritten = (try? store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }) ?? unwritten
        }
    }

    /// Outbox rows after `readThrough`, oldest first. A row that does not decode is reported and settled.
    private func readOutbox() -> [(id: Int64, announcement: Announcement?)] {
        do {
            let rows = try store.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT id, announcement FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
                    arguments: [readThrough, Self.pageSize]
                )
            }
            let decoder = JSONDecoder()
            return rows.map { row in
                let id: Int64 = row["id"]
                let data: Data? = row["announcement"]
                guard let data, let announcement = try? decoder.decode(Announcement.self, from: data) else {
                    logger.error(
                        "outbox row \(id) cannot be decoded; it is dropped",
                        metadata: [JournalField.messageID: "\(MessageID.storeWriteFailed)"]
                    )
                    return (id, nil)
                }
                return (id, announcement)
            }
        } catch {
            logger.error("cannot read the alert outbox; will retry: \(error)")
            return []
        }
    }

    /// The native journal fields of one alert entry.
    static func journalFields(_ entry: AlertEntries.Entry) -> JournalQueue.Entry {
        JournalFieldName.entry(
            [
                ("MESSAGE", entry.message), ("PRIORITY", String(entry.priority)),
                ("SYSLOG_IDENTIFIER", JournalLogHandler.identifier),
            ],
            adding: entry.fields.map { ($0.key, $0.value) }
        )
    }
}
