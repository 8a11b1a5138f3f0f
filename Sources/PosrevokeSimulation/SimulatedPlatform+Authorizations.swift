public import Foundation
import GRDB
public import PosrevokeCore

/// The users' authorizations of the real-platform simulators, and the order queries they answer.
extension SimulatedPlatform {
    /// Gives every store `perStore` authorizations per provider, once (a restart keeps them): WeChat Pay Score
    /// alternates authorization codes and openids, Alipay agreement numbers and external agreement numbers.
    public func seedAuthorizations(stores: [String], perStore: Int) throws {
        try store.db.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user_authorizations") == 0 else { return }
            for (storeIndex, name) in stores.sorted().enumerated() {
                for index in 0..<perStore {
                    let number = String(format: "%04d%03d", storeIndex, index)
                    let rows: [(CreditProvider, String, String, String, String)] = [
                        index % 2 == 0
                            ? (.wechatPayscore, "authorization_code", "AC\(number)", "", "")
                            : (.wechatPayscore, "openid", "oUpF8uMuAJO_M2pxb1Q9zNjW\(number)", "", ""),
                        index % 2 == 0
                            ? (.alipayCredit, "agreement_no", "2021560600000\(number)", "", "")
                            : (
                                .alipayCredit, "external_agreement_no", "ext-\(number)", "GENERAL_WITHHOLDING_P",
                                "INDUSTRY|CARRENTAL"
                            ),
                    ]
                    for (provider, kind, value, productCode, signScene) in rows {
                        try db.execute(
                            sql: "INSERT INTO user_authorizations VALUES (?, ?, ?, ?, ?, ?, 1)",
                            arguments: [provider.rawValue, kind, value, productCode, signScene, name]
                        )
                    }
                }
            }
        }
    }

    /// Every authorization, as `posrevokectl authorizations import` reads them.
    public func authorizationsCSV() throws -> String {
        try store.db.read { db in
            var lines = ["provider,store,kind,value,product_code,sign_scene"]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM user_authorizations ORDER BY store, provider, value") {
                let fields: [String] = [
                    row["provider"], row["store"], row["kind"], row["value"], row["product_code"], row["sign_scene"],
                ]
                lines.append(fields.joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Whether the authorization is still in force, or nil when the platform does not know it.
    public func authorizationActive(
        provider: CreditProvider,
        kind: String,
        value: String
    ) throws(PlatformError)
        -> Bool?
    {
        try injectFailure("authorization/\(provider.rawValue)/\(value)/\(Date().timeIntervalSince1970)")
        return try database { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT active FROM user_authorizations WHERE provider = ? AND kind = ? AND value = ?",
                arguments: [provider.rawValue, kind, value]
            )
        }
    }

    /// Ends the authorization; counts the call and, when it was in force, the effect. False when unknown.
    public func terminateAuthorization(
        provider: CreditProvider,
        kind: String,
        value: String
    )
        throws(PlatformError) -> Bool
    {
        try injectFailure("terminate-authorization/\(provider.rawValue)/\(value)")
        return try database { db in
            guard
                let active = try Bool.fetchOne(
                    db,
                    sql: "SELECT active FROM user_authorizations WHERE provider = ? AND kind = ? AND value = ?",
                    arguments: [provider.rawValue, kind, value]
                )
            else { return false }
            try SimulationStore.countCall(
                db,
                terminal: value,
                provider: provider.rawValue,
                operation: "terminate-authorization",
                parameters: "-"
            )
            guard active else { return true }
            try db.execute(
                sql: "UPDATE user_authorizations SET active = 0 WHERE provider = ? AND kind = ? AND value = ?",
                arguments: [provider.rawValue, kind, value]
            )
            try SimulationStore.countEffect(
                db,
                terminal: value,
                provider: provider.rawValue,
                operation: "terminate-authorization"
            )
            return true
        }
    }

    /// An order's state as the platform's query answers it: open or cancelled, and whether a debit is under way;
    /// nil when the platform does not know the order.
    public func order(_ outOrderNo: String, now: Date) throws(PlatformError) -> (open: Bool, debiting: Bool)? {
        try injectFailure("order/\(outOrderNo)/\(now.timeIntervalSince1970)")
        return try database { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT state, debit_until FROM orders WHERE out_order_no = ?",
                    arguments: [outOrderNo]
                )
            else { return nil }
            let debiting = (row["debit_until"] as Double?).map { now.timeIntervalSince1970 < $0 } ?? false
            return (row["state"] as String != "cancelled", debiting)
        }
    }
}
