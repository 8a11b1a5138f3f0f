import Foundation
import PosrevokeCore
import Testing

/// Alipay RSA2 signatures against openssl, and answers verified over their raw text.
@Suite struct AlipaySigningTests {
    let directory: URL
    let app: OpenSSLKeyPair
    let alipay: OpenSSLKeyPair

    init() throws {
        directory = try ExternalTool.temporaryDirectory()
        app = try OpenSSLKeyPair(in: directory, name: "app")
        alipay = try OpenSSLKeyPair(in: directory, name: "alipay")
    }

    @Test func theSigningStringIsSortedRawAndKeepsSignType() {
        let parameters = [
            "method": "alipay.user.agreement.unsign", "app_id": "2021000000000000", "sign_type": "RSA2",
            "biz_content": #"{"agreement_no":"2021 & 1=2"}"#, "charset": "utf-8", "sign": "old", "empty": "",
            "Zeta": "upper before lower",
        ]
        #expect(
            AlipaySigner.signingString(parameters)
                == #"Zeta=upper before lower&app_id=2021000000000000&biz_content={"agreement_no":"2021 & 1=2"}&"#
                + "charset=utf-8&method=alipay.user.agreement.unsign&sign_type=RSA2"
        )
    }

    @Test func theSignatureIsOpenSSLsBitForBit() throws {
        let signer = AlipaySigner(key: try RSASigningKey(pem: app.privateKeyPEM))
        let parameters = AlipaySigner.parameters(
            appID: "2021000000000000",
            method: AlipayWire.unsign,
            bizContent: #"{"agreement_no":"20215606000000000001"}"#,
            now: Date(timeIntervalSince1970: 1_700_000_000)
        )
        #expect(parameters["timestamp"] == "2023-11-15 06:13:20")
        let signed = try signer.signed(parameters)
        let message = Data(AlipaySigner.signingString(parameters).utf8)
        #expect(Data(base64Encoded: try #require(signed["sign"])) == (try app.opensslSignature(message)))
        // The form body carries every parameter back unchanged.
        #expect(AlipaySigner.parseForm(AlipaySigner.formBody(signed)) == signed)
    }

    func answer(
        _ content: String,
        signedBy pair: OpenSSLKeyPair?,
        name: String = "alipay_user_agreement_unsign_response"
    )
        throws -> Data
    {
        guard let pair else { return Data(#"{"\#(name)":\#(content)}"#.utf8) }
        let sign = try pair.opensslSignature(Data(content.utf8)).base64EncodedString()
        return Data(#"{"\#(name)":\#(content),"sign":"\#(sign)"}"#.utf8)
    }

    @Test func answersAreVerifiedOverTheirRawText() throws {
        let key = try RSAVerifyingKey(pem: alipay.publicKeyPEM)
        // Spacing and escapes as the gateway wrote them; a re-encoding would not verify.
        let content = #"{"code":"10000", "msg":"Success","note":"\u4e2d\/"}"#
        let good = try AlipayResponse(body: try answer(content, signedBy: alipay), method: AlipayWire.unsign)
        #expect(good.name == "alipay_user_agreement_unsign_response")
        #expect(good.content == Data(content.utf8))
        #expect(good.isSigned(by: key))
        let decoded = try JSONDecoder().decode(AlipayWire.Answer.self, from: good.content)
        #expect(decoded.code == "10000")

        let forged = try AlipayResponse(body: try answer(content, signedBy: app), method: AlipayWire.unsign)
        #expect(!forged.isSigned(by: key))
        let unsigned = try AlipayResponse(body: try answer(content, signedBy: nil), method: AlipayWire.unsign)
        #expect(unsigned.sign == nil && !unsigned.isSigned(by: key))
        var tampered = try answer(content, signedBy: alipay)
        if let range = tampered.range(of: Data("10000".utf8)) {
            tampered.replaceSubrange(range, with: Data("10001".utf8))
        }
        #expect(!(try AlipayResponse(body: tampered, method: AlipayWire.unsign)).isSigned(by: key))
        let error = try AlipayResponse(
            body: try answer(#"{"code":"40002","msg":"Invalid Arguments"}"#, signedBy: alipay, name: "error_response"),
            method: AlipayWire.unsign
        )
        #expect(error.name == "error_response" && error.isSigned(by: key))
    }

    @Test func malformedAnswersAreRefusedWithoutTrapping() {
        let bodies = [
            "", "[]", "{", #"{"a""#, #"{"alipay_user_agreement_unsign_response":"text"}"#, #"{"other":{}}"#,
            #"{"alipay_user_agreement_unsign_response":{"code":"10000"}} trailing"#,
            #"{"alipay_user_agreement_unsign_response":{"code":"10000"},"sign":5}"#,
            String(repeating: "[", count: 10_000),
            "{\"alipay_user_agreement_unsign_response\":" + String(repeating: "{\"a\":", count: 100),
            "{\"k\":\"\u{1}\"}",
        ]
        for body in bodies {
            #expect(throws: AlipayResponse.Malformed.self) {
                try AlipayResponse(body: Data(body.utf8), method: AlipayWire.unsign)
            }
        }
    }
}
