import Foundation
import PosrevokeCore

/// Acknowledgements and silences: what an operator set, and whether an announcement is written because of it.
extension Engine {
    /// Writes committed announcements (from the outbox) to the journal; call about once a second.
    func announce(now: Date) {
        announcer.flush(now: now) { shouldWrite($0, now: now) }
        counters.unwritten = announcer.unwritten
    }

    /// Whether an announcement is written: not when silenced, nor when it repeats an acknowledged alert.
    /// Its outbox row is cleared either way.
    func shouldWrite(_ announcement: Announcement, now: Date) -> Bool {
        let key = announcement.key.description
        if announcement.phase == .resolved { acks.remove(key) }
        if silences.contains(where: { $0.matches(announcement.key, store: announcement.store, at: now) })
            || (announcement.isRepeat && acks.contains(key))
        {
            counters.silenced += 1
            return false
        }
        return true
    }

    /// Operator: stop repeats of a firing alert until it resolves.
    func acknowledge(_ key: AlertKey, by: String, comment: String) throws {
        guard alerts.records[key]?.machine.isFiring == true else { throw ControlError("alert \(key) is not firing") }
        let now = clock.now()
        try store.write { try StateStore.saveAck(key, by: by, comment: comment, at: now, $0) }
        acks.insert(key.description)
    }

    /// Operator: write no announcements matching `silence` until it ends. Alert state is still kept.
    /// Returns the silence as stored, with its id.
    @discardableResult
    func add(_ silence: Silence) throws -> Silence {
        var stored = silence
        stored.createdAt = clock.now()
        let row = stored
        stored.id = try store.write { try StateStore.insertSilence(row, $0) }
        silences.append(stored)
        return stored
    }

    /// Operator: the silences still in force, oldest first.
    func activeSilences() -> [Silence] {
        let now = clock.now()
        return silences.filter { $0.until > now }
    }

    /// Operator: lift silence `id` at once; announcements it held back are not written afterwards.
    func lift(silence id: Int64) throws -> Silence {
        guard let silence = silences.first(where: { $0.id == id && $0.until > clock.now() }) else {
            throw ControlError("no silence \(id) in force (posrevokectl alerts silences lists them)")
        }
        try store.write { try StateStore.deleteSilence(id, $0) }
        silences.removeAll { $0.id == id }
        return silence
    }

    func isAcknowledged(_ key: AlertKey) -> Bool { acks.contains(key.description) }

    func isSilenced(_ record: AlertRecord) -> Bool {
        silences.contains { $0.matches(record.key, store: record.store, at: clock.now()) }
    }
}
