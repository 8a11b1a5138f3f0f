import Foundation
import PosrevokeCore
import Testing

@Suite("Platform request signing")
struct PlatformSigningTests {
    let signer = PlatformSigner(secret: "right key", merchantID: "1900000001", serial: "7")
    let body = Data(#"{"appid":"wx1","reason":"r","service_id":"svc"}"#.utf8)
    let path = "/platform/wechat-payscore/v3/payscore/serviceorder/so-1/cancel"

    @Test("a signed request verifies with the same key and nothing else")
    func verify() throws {
        let header = signer.authorization(method: "POST", path: path, body: body, timestamp: 1_800_000_000, nonce: "n1")
        let fields = try #require(PlatformAuthorization(header: header))
        #expect(fields.merchantID == "1900000001" && fields.serial == "7" && fields.nonce == "n1")
        #expect(fields.timestamp == 1_800_000_000)
        #expect(signer.verifies(fields, method: "POST", path: path, body: body))

        let wrongKey = PlatformSigner(secret: "wrong key", merchantID: "1900000001", serial: "7")
        #expect(!wrongKey.verifies(fields, method: "POST", path: path, body: body))
        #expect(!signer.verifies(fields, method: "GET", path: path, body: body))
        #expect(!signer.verifies(fields, method: "POST", path: path + "?x=1", body: body))
        #expect(!signer.verifies(fields, method: "POST", path: path, body: body + Data(" ".utf8)))
        var replayed = fields
        replayed.timestamp += 1
        #expect(!signer.verifies(replayed, method: "POST", path: path, body: body))
    }

    @Test("every attempt gets a fresh nonce, so identical retries are distinct signatures")
    func freshNonce() {
        let first = signer.authorization(method: "GET", path: path, body: Data(), timestamp: 1)
        let second = signer.authorization(method: "GET", path: path, body: Data(), timestamp: 1)
        #expect(first != second)
        #expect(PlatformAuthorization(header: first)?.nonce != PlatformAuthorization(header: second)?.nonce)
    }

    @Test("a timestamp is fresh within the window either way, and extreme values are refused without trapping")
    func freshness() {
        let now: Int64 = 1_800_000_000
        #expect(PlatformSigner.isFresh(now - 300, now: now, window: 300))
        #expect(PlatformSigner.isFresh(now + 300, now: now, window: 300))
        #expect(!PlatformSigner.isFresh(now - 301, now: now, window: 300))
        #expect(!PlatformSigner.isFresh(now + 301, now: now, window: 300))
        #expect(!PlatformSigner.isFresh(.min, now: now, window: 300))
        #expect(!PlatformSigner.isFresh(.max, now: now, window: 300))
        let header =
            "POSREVOKE-HMAC-SHA256 mchid=\"1\",nonce_str=\"n\",timestamp=\"-9223372036854775000\","
            + "serial_no=\"s\",signature=\"x\""
        let fields = PlatformAuthorization(header: header)
        #expect(fields.map { PlatformSigner.isFresh($0.timestamp, now: now, window: 300) } == false)
    }

    @Test(
        "headers that are not ours or miss a field are refused",
        arguments: [
            "Bearer abc",
            "WECHATPAY2-SHA256-RSA2048 mchid=\"1\",nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\",signature=\"x\"",
            "POSREVOKE-HMAC-SHA256 mchid=\"1\",nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\"",
            "POSREVOKE-HMAC-SHA256 mchid=\"1\",nonce_str=\"n\",timestamp=\"soon\",serial_no=\"s\",signature=\"x\"",
            "POSREVOKE-HMAC-SHA256 mchid=1,nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\",signature=\"x\"",
            "POSREVOKE-HMAC-SHA256 mchid=\"1\",nonce_str=\"\",timestamp=\"1\",serial_no=\"s\",signature=\"x\"",
        ]
    )
    func malformed(header: String) {
        #expect(PlatformAuthorization(header: header) == nil)
    }
}

@Suite("HTTP platform in the config")
struct PlatformConfigTests {
    @Test("platform.http gives each http provider its URL, merchant, service and key file")
    func good() throws {
        let config = try ConfigParser.parse(
            yaml: """
                platform:
                  providers: {wechat-payscore: http, alipay-credit: manual}
                  http:
                    wechat-payscore:
                      url: "https://api.example.com/pay/"
                      merchant_id: "1900000001"
                      service_id: "svc-1"
                      appid: wx1
                      key_file: platform-wechat.key
                      key_serial: "7"
                """
        )
        let http = try #require(config.platform.http[.wechatPayscore])
        #expect(config.platform.providers[.wechatPayscore] == .http)
        #expect(http.url == "https://api.example.com/pay" && http.merchantID == "1900000001")
        #expect(http.serviceID == "svc-1" && http.appID == "wx1" && http.keyFile == "platform-wechat.key")
        #expect(http.keySerial == "7")
    }

    @Test("an http provider without its section, a bad URL and missing keys are each named")
    func bad() {
        #expect {
            try ConfigParser.parse(
                yaml: """
                    platform:
                      providers: {wechat-payscore: http, alipay-credit: http}
                      http:
                        alipay-credit: {url: "ftp://x", merchant_id: m, service_id: s, key_file: k}
                        unknown-pay: {url: "http://x"}
                    """
            )
        } throws: { error in
            let text = "\(error)"
            return text.contains(
                "platform.http.wechat-payscore: is required: platform.providers.wechat-payscore is http"
            )
                && text.contains("platform.http.alipay-credit.url: must be an http:// or https:// URL")
                && text.contains("platform.http.unknown-pay: unknown provider")
        }
        #expect {
            try ConfigParser.parse(
                yaml: "platform: {http: {wechat-payscore: {url: 'http://x', merchant_id: m}}}\n"
            )
        } throws: { error in
            let text = "\(error)"
            return text.contains("platform.http.wechat-payscore.service_id: is required")
                && text.contains("platform.http.wechat-payscore.key_file: is required")
        }
        #expect {
            try ConfigParser.parse(yaml: "platform: {providers: {wechat-payscore: rest}}\n")
        } throws: { "\($0)".contains("must be one of: simulated, http, manual, wechatpay-v3, alipay-openapi") }
    }
}
