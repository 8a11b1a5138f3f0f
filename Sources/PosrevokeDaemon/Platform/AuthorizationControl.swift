import Foundation
import PosrevokeControl
import PosrevokeCore

/// `posrevokectl authorizations import`: the users' authorizations at each store, which the real platforms'
/// `confirm-unbind` ends. Answered on socket worker threads.
extension Daemon {
    /// Checks every row again (the client's checks are not trusted) and its store against the inventory, then
    /// stores all of them in one transaction, or none when a row is bad and the import is all-or-nothing. The
    /// operator-command audit entry records who imported.
    func importAuthorizations(_ request: AuthorizationImportRequest) throws -> AuthorizationImportResult {
        let total = request.rows.count + request.errors.count
        guard total <= AuthorizationImportRequest.maxRows else {
            throw ControlError(
                "the import has \(total) rows; at most \(AuthorizationImportRequest.maxRows) are taken at once "
                    + "(split the file and import the parts)"
            )
        }
        let stores = loop.checkedSync { Set(config.terminals.map(\.store)) }
        var errors = request.errors.map { error in
            FeedbackRowError(line: error.line, reason: String(error.reason.prefix(FeedbackLimits.maxReasonCharacters)))
        }
        var accepted: [UserAuthorization] = []
        for row in request.rows {
            if let problem = row.authorization.problem() {
                errors.append(FeedbackRowError(line: row.line, reason: problem))
            } else if !stores.contains(row.authorization.store) {
                let store = String(row.authorization.store.prefix(64))
                errors.append(FeedbackRowError(line: row.line, reason: "unknown store '\(store)'"))
            } else {
                accepted.append(row.authorization)
            }
        }
        errors.sort { $0.line < $1.line }
        guard errors.isEmpty || request.skipBad else {
            return AuthorizationImportResult(applied: false, imported: 0, duplicates: 0, errors: errors)
        }
        let now = clock.now()
        let inserted = try store.write { try StateStore.insertAuthorizations(accepted, at: now, $0) }
        return AuthorizationImportResult(
            applied: true,
            imported: inserted,
            duplicates: accepted.count - inserted,
            errors: errors
        )
    }
}
