import Foundation
import PosrevokeCore
import Testing

@Suite struct AuthorizationCSVTests {
    @Test func everyKindIsReadAndBadRowsAreNamedByLine() throws {
        let text = """
            provider,store,kind,value,product_code,sign_scene
            wechat-payscore,s-01,authorization_code,AC0001,,
            wechat-payscore,s-01,openid,oUpF8uMuAJO_M2pxb1Q9zNjW0001,,
            alipay-credit,s-02,agreement_no,20215606000000000001,,
            alipay-credit,s-02,external_agreement_no,ext-1,GENERAL_WITHHOLDING_P,INDUSTRY|CARRENTAL
            wechat-payscore,s-01,agreement_no,20215606000000000002,,
            alipay-credit,s-02,external_agreement_no,ext-2,,
            unknown-pay,s-01,openid,o-1,,
            wechat-payscore,s-01,token,x,,
            wechat-payscore,s-01,openid,has space,,
            wechat-payscore,,openid,o-2,,

            """
        let parsed = try AuthorizationCSV.parse(text)
        #expect(
            parsed.rows.map(\.authorization) == [
                UserAuthorization(provider: .wechatPayscore, store: "s-01", key: .authorizationCode("AC0001")),
                UserAuthorization(
                    provider: .wechatPayscore,
                    store: "s-01",
                    key: .openID("oUpF8uMuAJO_M2pxb1Q9zNjW0001")
                ),
                UserAuthorization(provider: .alipayCredit, store: "s-02", key: .agreementNo("20215606000000000001")),
                UserAuthorization(
                    provider: .alipayCredit,
                    store: "s-02",
                    key: .externalAgreement(
                        no: "ext-1",
                        productCode: "GENERAL_WITHHOLDING_P",
                        signScene: "INDUSTRY|CARRENTAL"
                    )
                ),
            ]
        )
        #expect(parsed.rows.map(\.line) == [2, 3, 4, 5])
        #expect(parsed.errors.map(\.line) == [6, 7, 8, 9, 10, 11])
        #expect(parsed.errors[0].reason.contains("Alipay's"))
        #expect(parsed.errors[1].reason.contains("printable ASCII"))
        #expect(parsed.errors[2].reason.contains("provider must be one of"))
        #expect(parsed.errors[3].reason.contains("kind must be one of"))
        #expect(parsed.errors[5].reason.contains("store"))
    }

    @Test func aFileWithoutTheNeededColumnsIsRefusedWhole() {
        #expect(throws: FeedbackCSV.FileError.self) { try AuthorizationCSV.parse("provider,store,value\nx,y,z\n") }
        #expect(throws: FeedbackCSV.FileError.self) { try AuthorizationCSV.parse("") }
    }

    @Test func theAgentsOpenOrdersAreCheckedBeforeTheyAreCancelled() throws {
        let good =
            #"{"orders":[{"out_order_no":"so-1","provider":"wechat-payscore","state":"open"},"#
            + #"{"out_order_no":"so-1","provider":"wechat-payscore","state":"open"}]}"#
        #expect(try AgentDecoding.openOrders(Data(good.utf8), provider: .wechatPayscore) == ["so-1"])
        for bad in [
            #"{"orders":[{"out_order_no":"","provider":"wechat-payscore","state":"open"}]}"#,
            #"{"orders":[{"out_order_no":"so 1","provider":"wechat-payscore","state":"open"}]}"#,
            #"{"orders":[{"out_order_no":"so-1","provider":"alipay-credit","state":"open"}]}"#,
            #"{"orders":[{"out_order_no":"so-1","provider":"wechat-payscore","state":"done"}]}"#,
            #"{"orders":{}}"#,
        ] {
            #expect(throws: AgentProtocolError.self) {
                try AgentDecoding.openOrders(Data(bad.utf8), provider: .wechatPayscore)
            }
        }
    }
}
