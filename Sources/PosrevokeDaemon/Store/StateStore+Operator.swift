import Foundation
import GRDB
import PosrevokeCore

/// Acknowledgements and silences as stored; read back at start by `loadSnapshot`.
extension StateStore {
    static func saveAck(_ key: AlertKey, by: String, comment: String, at time: Date, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO ack (key, by, comment, at) VALUES (?, ?, ?, ?)",
            arguments: [key.description, by, comment, time.timeIntervalSince1970]
        )
    }

    /// Returns the new silence's id.
    static func insertSilence(_ silence: Silence, _ db: Database) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO silence (matcher, until, comment, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                silence.matcher, silence.until.timeIntervalSince1970, silence.comment,
                silence.createdAt.timeIntervalSince1970, silence.createdBy,
            ]
        )
        return db.lastInsertedRowID
    }

    static func deleteSilence(_ id: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM silence WHERE id = ?", arguments: [id])
    }
}
