import Foundation
import GRDB
import Logging
import PosrevokeCore

/// Rows the daemon cannot decode are set aside, not allowed to stop it from starting: each one moves to the table
/// `quarantine` (in the same transaction that removes it from its own table) and is announced in the journal.
extension StateStore {
    /// One row that was moved to the quarantine table.
    package struct QuarantinedRow: Sendable, Equatable, CustomStringConvertible {
        package var table: String
        package var key: String
        package var error: String

        package var description: String { "\(table) row \(key): \(error)" }

        /// The journal says which row was set aside and why.
        func announce(to logger: Logger) {
            logger.error(
                "state row quarantined: \(self); the daemon goes on without it (see the table quarantine)",
                metadata: [
                    JournalField.messageID: "\(MessageID.stateRowQuarantined)", "STATE_TABLE": "\(table)",
                    "STATE_KEY": "\(key)", "DECODE_ERROR": "\(error)",
                ]
            )
        }
    }

    /// Decodes each row of `sql` (which selects `rowid AS row_id` first) with `body`; a row that fails moves to
    /// quarantine, is added to `quarantined`, and the others go on.
    static func eachRow(
        _ table: String,
        key: String,
        data: String,
        _ sql: String,
        quarantined: inout [QuarantinedRow],
        _ db: Database,
        _ body: (Row) throws -> Void
    ) throws {
        for row in try Row.fetchAll(db, sql: sql) {
            do {
                try body(row)
            } catch {
                let value: DatabaseValue = row[key]
                quarantined.append(
                    try quarantine(table, rowid: row["row_id"], key: keyText(value), data: row[data], error: error, db)
                )
            }
        }
    }

    /// Moves the row `rowid` of `table` to `quarantine`, keeping its stored value, and says why.
    static func quarantine(
        _ table: String,
        rowid: Int64,
        key: String,
        data: DatabaseValue,
        error: any Error,
        _ db: Database
    ) throws -> QuarantinedRow {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    key TEXT NOT NULL,
                    data BLOB,
                    error TEXT NOT NULL,
                    at REAL NOT NULL
                )
                """
        )
        let reason = Self.reason(error)
        try db.execute(
            sql: "INSERT INTO quarantine (source, key, data, error, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [table, key, data, reason, Date().timeIntervalSince1970]
        )
        // `table` is one of the daemon's own table names, never outside input.
        try db.execute(sql: "DELETE FROM \(table) WHERE rowid = ?", arguments: [rowid])
        return QuarantinedRow(table: table, key: key, error: reason)
    }

    /// A short reason, without the row's content.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): "not valid: \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: String(describing: error).prefix(300).description
        }
    }

    /// A row's key as text, for the quarantine table and the journal.
    static func keyText(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .string(let text): text
        case .int64(let number): String(number)
        default: value.description
        }
    }

    /// A column's value, or a decoding error instead of a trap when the stored type is wrong.
    static func column<T: DatabaseValueConvertible>(_ row: Row, _ name: String, as _: T.Type = T.self) throws -> T {
        let value: DatabaseValue = row[name]
        guard let converted = T.fromDatabaseValue(value) else {
            throw DecodingError.typeMismatch(
                T.self,
                .init(codingPath: [], debugDescription: "column \(name) holds \(value.storage.kindName)")
            )
        }
        return converted
    }

    /// Turns SQLite's "not a database" and "corrupt" into an error that names the file and what to do.
    static func explain(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError,
            [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode)
        else { return error }
        return StateFileError(
            description: "the state database \(path) is damaged (\(error.resultCode)): stop posrevoked, move "
                + "\(path) and any \(path)-wal and \(path)-shm beside it to a safe place (keep them to look at), "
                + "and start the daemon again. It then starts with an empty state: it reads each terminal's "
                + "history again from the start, raises again the alerts whose conditions still hold, and forgets "
                + "plans and jobs (create them again with posrevokectl)."
        )
    }
}

/// The state database file cannot be used at all.
package struct StateFileError: Error, CustomStringConvertible {
    package var description: String
}

extension DatabaseValue.Storage {
    fileprivate var kindName: String {
        switch self {
        case .null: "NULL"
        case .int64: "an integer"
        case .double: "a real"
        case .string: "text"
        case .blob: "a blob"
        }
    }
}
