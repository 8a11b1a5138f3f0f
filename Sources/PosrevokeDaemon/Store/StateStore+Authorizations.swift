import Foundation
import GRDB
import PosrevokeCore

/// The users' authorizations at each store, imported by operators; one row per provider, kind and number.
extension StateStore {
    /// Stores the new ones; returns how many were new (the rest were known already).
    static func insertAuthorizations(
        _ authorizations: [UserAuthorization],
        at now: Date,
        _ db: Database
    ) throws
        -> Int
    {
        var inserted = 0
        for authorization in authorizations {
            let (kind, value, productCode, signScene) = columns(authorization.key)
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO user_authorization
                        (provider, kind, value, product_code, sign_scene, store, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    authorization.provider.rawValue, kind, value, productCode, signScene, authorization.store,
                    now.timeIntervalSince1970,
                ]
            )
            inserted += db.changesCount
        }
        return inserted
    }

    /// The authorizations of one store and provider, in a stable order.
    func authorizations(store: String, provider: CreditProvider) throws -> [UserAuthorization] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, value, product_code, sign_scene FROM user_authorization
                    WHERE store = ? AND provider = ? ORDER BY kind, value
                    """,
                arguments: [store, provider.rawValue]
            ).compactMap { row in
                Self.key(
                    kind: row["kind"],
                    value: row["value"],
                    productCode: row["product_code"],
                    signScene: row["sign_scene"]
                )
                .map { UserAuthorization(provider: provider, store: store, key: $0) }
            }
        }
    }

    /// How many authorizations each store has, by provider.
    func authorizationCounts() throws -> [AuthorizationCount] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT store, provider, count(*) AS n FROM user_authorization
                    GROUP BY store, provider ORDER BY store, provider
                    """
            ).map { AuthorizationCount(store: $0["store"], provider: $0["provider"], count: $0["n"]) }
        }
    }

    private static func columns(_ key: UserAuthorization.Key) -> (String, String, String, String) {
        switch key {
        case .authorizationCode(let code): ("authorization_code", code, "", "")
        case .openID(let openID): ("openid", openID, "", "")
        case .agreementNo(let number): ("agreement_no", number, "", "")
        case .externalAgreement(let number, let productCode, let signScene):
            ("external_agreement_no", number, productCode, signScene)
        }
    }

    private static func key(
        kind: String,
        value: String,
        productCode: String,
        signScene: String
    )
        -> UserAuthorization.Key?
    {
        switch kind {
        case "authorization_code": .authorizationCode(value)
        case "openid": .openID(value)
        case "agreement_no": .agreementNo(value)
        case "external_agreement_no": .externalAgreement(no: value, productCode: productCode, signScene: signScene)
        default: nil
        }
    }
}
