import Foundation
import PosrevokeCore
import Testing

/// Pay Score callbacks: verified first, then decrypted; anything not believed is refused and never read.
@Suite struct PayScoreCallbackTests {
    static let apiV3Key = "0123456789abcdefghijklmnopqrstuv"
    static let now = Date(timeIntervalSince1970: 1_796_436_000)
    let platform: RSASigningKey
    let forger: RSASigningKey

    init() throws {
        platform = try RSASigningKey.generate()
        forger = try RSASigningKey.generate()
    }

    func notification(event: String = PayScoreCallbackReader.openEvent, key: String = Self.apiV3Key) throws -> Data {
        let payload = PayScoreServiceEvent(
            mchid: "1900000001",
            service_id: "demo",
            out_request_no: "req-1",
            openid: "oUpF8u",
            user_service_status: "USER_OPEN_SERVICE",
            openorclose_time: "20261205095900"
        )
        let nonce = "abcdefghijkl"
        let ciphertext = try WeChatPayAEAD.seal(
            try JSONEncoder().encode(payload),
            nonce: nonce,
            associatedData: "payscore",
            key: key
        )
        let envelope = WeChatPayNotification(
            id: "n-1",
            create_time: nil,
            event_type: event,
            summary: nil,
            resource: .init(
                algorithm: "AEAD_AES_256_GCM",
                ciphertext: ciphertext,
                nonce: nonce,
                associated_data: "payscore",
                original_type: "payscore"
            )
        )
        return try JSONEncoder().encode(envelope)
    }

    func read(
        _ body: Data,
        signer: RSASigningKey? = nil,
        at: Date = Self.now,
        probe: Bool = false
    )
        throws -> PayScoreCallbackReader.Outcome
    {
        let timestamp = String(Int64(at.timeIntervalSince1970))
        var signature = try (signer ?? platform)
            .signature(for: WeChatPayVerifier.message(timestamp: timestamp, nonce: "N", body: body))
            .base64EncodedString()
        if probe { signature = "WECHATPAY/SIGNTEST/" + signature }
        let headers = [
            "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": "N", "Wechatpay-Signature": signature,
            "Wechatpay-Serial": "PUB_KEY_ID_1",
        ]
        return PayScoreCallbackReader.read(
            header: { headers[$0] },
            body: body,
            verifier: WeChatPayVerifier(keys: ["PUB_KEY_ID_1": platform.publicKey]),
            apiV3Key: Self.apiV3Key,
            now: Self.now
        )
    }

    @Test("a signed USER_OPEN_SERVICE is decrypted into its event")
    func valid() throws {
        guard case .service(let id, let event, let payload) = try read(try notification()) else {
            Issue.record("not read")
            return
        }
        #expect(id == "n-1" && event == PayScoreCallbackReader.openEvent && payload.openid == "oUpF8u")
        #expect(PayScoreCallbackReader.time(payload.openorclose_time) == Self.now.addingTimeInterval(-60))
    }

    @Test("forged, stale and probe signatures, a wrong APIv3 key and an oversized body are refused")
    func refused() throws {
        let body = try notification()
        for outcome in [
            try read(body, signer: forger), try read(body, at: Self.now.addingTimeInterval(-301)),
            try read(body, probe: true), try read(try notification(key: "vutsrqponmlkjihgfedcba9876543210")),
            try read(Data(repeating: 0x20, count: PayScoreCallbackReader.maxBody + 1)),
        ] {
            guard case .refused = outcome else {
                Issue.record("believed: \(outcome)")
                continue
            }
        }
    }

    @Test("a verified notification of another kind is acknowledged and not acted on")
    func other() throws {
        #expect(
            try read(try notification(event: "PAYSCORE.USER_PAID")) == .other(id: "n-1", event: "PAYSCORE.USER_PAID")
        )
    }
}
