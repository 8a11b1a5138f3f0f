import Foundation
import GRDB
import PosrevokeCore
import Testing

@testable import PosrevokeDaemon

/// Whom a Pay Score callback is attributed to, as bill rows are: the terminal that reported its `out_request_no`,
/// else the store of its sub-merchant, else the merchant as a whole.
@Suite("Callback attribution, in process")
struct CallbackOwnerTests {
    @Test(
        "a callback goes to the terminal that reported its out_request_no, else the sub-merchant's store, else the merchant"
    )
    func owner() throws {
        let cancelled = "{wechat-payscore: {state: cancelled, cutover: \"2026-01-01T00:00:00Z\"}}"
        let config = try ConfigParser.parse(
            yaml: """
                stores:
                  - {id: s-2, wechatpay_sub_mchid: "1900000102"}
                terminals:
                  - {id: t-1, store: s-1, driver: agent, url: "http://127.0.0.1:9/", providers: \(cancelled)}
                  - {id: t-2, store: s-2, driver: agent, url: "http://127.0.0.1:9/", providers: \(cancelled)}
                  - {id: t-3, store: s-2, driver: agent, url: "http://127.0.0.1:9/", providers: \(cancelled)}
                """
        )
        let parts = try InMemoryEngine(config, clock: SystemClock())
        try parts.store.write { db in
            // t-1 reported req-7; t-2 and t-3 both reported req-9, which therefore names no one terminal.
            for (id, terminal) in [("req-7", "t-1"), ("req-9", "t-2"), ("req-9", "t-3")] {
                try db.execute(
                    sql: """
                        INSERT INTO txn (id, terminal_id, seq, time, method, provider, amount_minor, currency, outcome,
                                         received_at)
                        VALUES (?, ?, 1, 0, 'credit-pay', 'wechat-payscore', 100, 'CNY', 'approved', 0)
                        """,
                    arguments: [id, terminal]
                )
            }
        }
        func owner(_ request: String?, subMerchant: String?) throws -> EvidenceAttribution.Owner {
            var payload = PayScoreServiceEvent(
                mchid: "1900000001",
                service_id: "00004000000000123456",
                out_request_no: request,
                openid: "oUpF8u",
                user_service_status: "USER_OPEN_SERVICE",
                openorclose_time: "20261205095900"
            )
            payload.sub_mchid = subMerchant
            return try parts.engine.sync { try $0.callbackOwner(payload, merchantID: "1900000001") }
        }

        let reported = try owner("req-7", subMerchant: "1900000102")
        #expect(reported.scope == .terminal && reported.subject == "t-1" && reported.store == "s-1")
        #expect(reported.cutover != nil)
        let ambiguous = try owner("req-9", subMerchant: "1900000102")
        #expect(ambiguous.scope == .store && ambiguous.subject == "s-2")
        let bySubMerchant = try owner("req-unknown", subMerchant: "1900000102")
        #expect(bySubMerchant.scope == .store && bySubMerchant.subject == "s-2")
        let merchant = try owner(nil, subMerchant: nil)
        #expect(merchant.scope == .merchant && merchant.subject == "1900000001")
    }
}
