import PosrevokeCore
import Testing

@Suite("The real platforms' accounts in the config")
struct PlatformAccountConfigTests {
    static let wechat = """
        mchid: "1900000001"
        appid: wx8888888888888888
        service_id: "00004000000000123456"
        merchant_serial_no: 3775b6a45acd588826d15e583a95f5dd00000000
        private_key_file: wechatpay-merchant-key
        """

    func parse(_ yaml: String) throws(ConfigErrors) -> DaemonConfig { try ConfigParser.parse(yaml: yaml) }

    func problems(_ yaml: String) -> String {
        do {
            _ = try parse(yaml)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func indented(_ text: String) -> String { text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }

    @Test func bothAccountsAreRead() throws {
        let config = try parse(
            """
            platform:
              providers: {wechat-payscore: wechatpay-v3, alipay-credit: alipay-openapi}
              wechatpay:
            \(indented(Self.wechat))
                public_key_id: PUB_KEY_ID_0000000000000024101100397200000006
                public_key_file: wechatpay-public-key
                apiv3_key_file: wechatpay-apiv3-key
              alipay: {app_id: "2021000000000001", private_key_file: app-key, alipay_public_key_file: alipay-key}
            """
        )
        let wechat = try #require(config.platform.wechatpay)
        #expect(wechat.baseURL == "https://api.mch.weixin.qq.com")
        #expect(wechat.merchantSerialNo == "3775B6A45ACD588826D15E583A95F5DD00000000")
        #expect(wechat.usesPublicKey && wechat.apiV3KeyFile == "wechatpay-apiv3-key")
        let alipay = try #require(config.platform.alipay)
        #expect(alipay.gateway == "https://openapi.alipay.com/gateway.do" && alipay.appID == "2021000000000001")
        #expect(config.platform.providers[.wechatPayscore] == .wechatpayV3)
    }

    @Test func whatIsMissingOrWrongIsNamed() {
        let base = "platform:\n  providers: {wechat-payscore: wechatpay-v3}\n  wechatpay:\n" + indented(Self.wechat)
        #expect(problems(base).contains("has no way to verify WeChat Pay's answers"))
        #expect(problems(base + "\n    public_key_id: PUB_KEY_ID_1").contains("public_key_file: is required"))
        #expect(problems(base + "\n    public_key_file: k").contains("public_key_id: is required"))
        #expect(
            problems(base + "\n    public_key_id: KEY_1\n    public_key_file: k").contains("PUB_KEY_ID_…")
        )
        #expect(problems(base + "\n    apiv3_key_file: k") == "")
        #expect(problems(base + "\n    apiv3_key_file: k\n    base_url: ftp://x").contains("base_url: must be an http"))
        #expect(
            problems("platform: {providers: {alipay-credit: wechatpay-v3}}")
                .contains("wechatpay-v3 is the platform of wechat-payscore, not of alipay-credit")
        )
        #expect(
            problems("platform: {providers: {wechat-payscore: wechatpay-v3}}")
                .contains("platform.wechatpay: is required: a provider uses wechatpay-v3")
        )
        #expect(
            problems("platform: {providers: {alipay-credit: alipay-openapi}, alipay: {app_id: x1}}")
                .contains("platform.alipay.private_key_file: is required")
        )
    }
}
