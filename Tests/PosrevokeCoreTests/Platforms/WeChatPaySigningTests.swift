import Foundation
import PosrevokeCore
import Testing

/// WeChat Pay APIv3 signatures against openssl, computed in the test from keys made at run time.
@Suite struct WeChatPaySigningTests {
    let directory: URL
    let merchant: OpenSSLKeyPair
    let platform: OpenSSLKeyPair

    init() throws {
        directory = try ExternalTool.temporaryDirectory()
        merchant = try OpenSSLKeyPair(in: directory, name: "merchant")
        platform = try OpenSSLKeyPair(in: directory, name: "platform")
    }

    @Test func theRequestMessageIsFiveLinesEachEndingInANewline() {
        let body = Data(#"{"appid":"wx1","service_id":"s1","reason":"r"}"#.utf8)
        let message = WeChatPaySigner.message(
            method: "POST",
            target: "/v3/payscore/serviceorder/o-1/cancel",
            timestamp: 1_700_000_000,
            nonce: "N0NCE",
            body: body
        )
        let expected =
            "POST\n/v3/payscore/serviceorder/o-1/cancel\n1700000000\nN0NCE\n"
            + #"{"appid":"wx1","service_id":"s1","reason":"r"}"# + "\n"
        #expect(message == Data(expected.utf8))
        let get = WeChatPaySigner.message(
            method: "GET",
            target: "/v3/certificates",
            timestamp: 1,
            nonce: "n",
            body: Data()
        )
        #expect(get == Data("GET\n/v3/certificates\n1\nn\n\n".utf8))
        #expect(!get.contains(0x0D))
    }

    @Test func theSignatureIsOpenSSLsBitForBit() throws {
        let key = try RSASigningKey(pem: merchant.privateKeyPEM)
        let signer = WeChatPaySigner(
            key: key,
            merchantID: "1900000001",
            serial: "3775B6A45ACD588826D15E583A95F5DD00000000"
        )
        let target = "/v3/payscore/serviceorder?out_order_no=o-1&service_id=s1&appid=wx1"
        let header = try signer.authorization(method: "GET", target: target, body: Data(), timestamp: 1_700_000_123)
        let fields = try #require(WeChatPayAuthorization(header: header))
        #expect(header.hasPrefix("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\","))
        #expect(fields.merchantID == "1900000001" && fields.timestamp == "1700000123")
        #expect(fields.serial == "3775B6A45ACD588826D15E583A95F5DD00000000")
        #expect(fields.nonce.count == 32)
        let message = WeChatPaySigner.message(
            method: "GET",
            target: target,
            timestamp: 1_700_000_123,
            nonce: fields.nonce,
            body: Data()
        )
        // PKCS#1 v1.5 is deterministic: the same key and message give the same bytes.
        #expect(Data(base64Encoded: fields.signature) == (try merchant.opensslSignature(message)))
        #expect(try merchant.opensslVerifies(try #require(Data(base64Encoded: fields.signature)), message))
    }

    func signedAnswer(_ body: String, timestamp: Int64, by pair: OpenSSLKeyPair) throws -> WeChatPaySignatureHeaders {
        let nonce = "0123456789ABCDEF"
        let message = WeChatPayVerifier.message(timestamp: String(timestamp), nonce: nonce, body: Data(body.utf8))
        return WeChatPaySignatureHeaders(
            timestamp: String(timestamp),
            nonce: nonce,
            signature: try pair.opensslSignature(message).base64EncodedString(),
            serial: "PUB_KEY_ID_0000000000000024101100397200000006",
            signatureType: "WECHATPAY2-SHA256-RSA2048"
        )
    }

    @Test func anAnswerSignedByThePlatformKeyVerifies() throws {
        let verifier = WeChatPayVerifier(keys: [
            "PUB_KEY_ID_0000000000000024101100397200000006": try RSAVerifyingKey(pem: platform.publicKeyPEM)
        ])
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let body = #"{"out_order_no":"o-1","state":"REVOKED"}"#
        try verifier.verify(
            try signedAnswer(body, timestamp: 1_700_000_000, by: platform),
            body: Data(body.utf8),
            now: now
        )
        // 299 s either way is still fresh; a 204's empty body is signed too.
        try verifier.verify(
            try signedAnswer(body, timestamp: 1_699_999_701, by: platform),
            body: Data(body.utf8),
            now: now
        )
        try verifier.verify(try signedAnswer("", timestamp: 1_700_000_299, by: platform), body: Data(), now: now)
    }

    @Test func everyWayAnAnswerSignatureCanBeWrongIsRefused() throws {
        let serial = "PUB_KEY_ID_0000000000000024101100397200000006"
        let verifier = WeChatPayVerifier(keys: [serial: try RSAVerifyingKey(pem: platform.publicKeyPEM)])
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let body = #"{"authorization_state":"UNAVAILABLE"}"#
        let good = try signedAnswer(body, timestamp: 1_700_000_000, by: platform)
        func refusal(_ headers: WeChatPaySignatureHeaders, _ text: String = body) -> WeChatPayVerificationError? {
            do {
                try verifier.verify(headers, body: Data(text.utf8), now: now)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal(good) == nil)
        #expect(refusal(good, #"{"authorization_state":"AVAILABLE"}"#) == .badSignature)
        #expect(refusal(try signedAnswer(body, timestamp: 1_700_000_000, by: merchant)) == .badSignature)
        #expect(refusal(try signedAnswer(body, timestamp: 1_699_999_700, by: platform)) == .stale(seconds: 300))
        #expect(refusal(try signedAnswer(body, timestamp: 1_700_000_300, by: platform)) == .stale(seconds: -300))
        var other = good
        other.serial = "PUB_KEY_ID_OTHER"
        #expect(refusal(other) == .unknownSerial("PUB_KEY_ID_OTHER"))
        var probe = good
        probe.signature = "WECHATPAY/SIGNTEST/" + good.signature
        #expect(refusal(probe) == .probe)
        var type = good
        type.signatureType = "WECHATPAY2-SM2-WITH-SM3"
        #expect(refusal(type) == .unsupportedType("WECHATPAY2-SM2-WITH-SM3"))
        for timestamp in ["", "17e8", "-1", "1700000000.5", "99999999999999999999"] {
            var bad = good
            bad.timestamp = timestamp
            #expect(refusal(bad) == .badTimestamp)
        }
        var garbage = good
        garbage.signature = "not base64!"
        #expect(refusal(garbage) == .badSignature)
        var nonce = good
        nonce.nonce = "another"
        #expect(refusal(nonce) == .badSignature)
        #expect(throws: WeChatPayVerificationError.unsigned(missing: "Wechatpay-Signature")) {
            try WeChatPaySignatureHeaders {
                ["Wechatpay-Timestamp": "1", "Wechatpay-Nonce": "n", "Wechatpay-Serial": serial][$0]
            }
        }
    }

    @Test func platformCertificatesAreDecryptedWithTheAPIv3KeyAndCheckedAgainstTheirSerial() throws {
        let certificatePath = directory.appendingPathComponent("platform.crt").path
        try ExternalTool.run([
            "openssl", "req", "-x509", "-key", platform.privateKeyPath, "-subj", "/CN=Tenpay.com Root CA",
            "-days", "2", "-set_serial", "0x5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "-out", certificatePath,
        ])
        let pem = try String(contentsOfFile: certificatePath, encoding: .utf8)
        let apiV3Key = "0123456789abcdefghijklmnopqrstuv"
        // Encrypted by python's cryptography, not by the code under test.
        let ciphertext = try String(
            decoding: ExternalTool.run(
                [
                    "python3", "-c",
                    """
                    import base64, sys
                    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
                    data = sys.stdin.buffer.read()
                    out = AESGCM(b"\(apiV3Key)").encrypt(b"a1b2c3d4e5f6", data, b"certificate")
                    sys.stdout.write(base64.b64encode(out).decode())
                    """,
                ],
                input: Data(pem.utf8)
            ),
            as: UTF8.self
        )
        let item = WeChatPayCertificateList.Item(
            serial_no: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            effective_time: nil,
            expire_time: nil,
            encrypt_certificate: WeChatPayEncrypted(
                algorithm: "AEAD_AES_256_GCM",
                nonce: "a1b2c3d4e5f6",
                associated_data: "certificate",
                ciphertext: ciphertext
            )
        )
        let keys = try WeChatPayCertificateList(data: [item]).keys(apiV3Key: apiV3Key, now: Date())
        let key = try #require(keys["5157F09EFDC096DE15EBE81A47057A7232F1B8E1"])
        let message = Data("1\nn\n{}\n".utf8)
        #expect(key.isValidSignature(try platform.opensslSignature(message), for: message))

        #expect(throws: WeChatPayAEAD.Failure.self) {
            try WeChatPayCertificateList(data: [item]).keys(apiV3Key: "0123456789abcdefghijklmnopqrstuX", now: Date())
        }
        var wrongSerial = item
        wrongSerial.serial_no = "5157F09EFDC096DE15EBE81A47057A7232F1B8E2"
        #expect(throws: WeChatPayAEAD.Failure.self) {
            try WeChatPayCertificateList(data: [wrongSerial]).keys(apiV3Key: apiV3Key, now: Date())
        }
        var wrongData = item
        wrongData.encrypt_certificate.associated_data = "callback"
        #expect(throws: WeChatPayAEAD.Failure.self) {
            try WeChatPayCertificateList(data: [wrongData]).keys(apiV3Key: apiV3Key, now: Date())
        }
        // Expired: nothing valid is left.
        #expect(throws: WeChatPayAEAD.Failure.self) {
            try WeChatPayCertificateList(data: [item]).keys(
                apiV3Key: apiV3Key,
                now: Date().addingTimeInterval(5 * 86400)
            )
        }
        // The simulator's sealing is what python's decryption reads, too.
        let sealed = try WeChatPayAEAD.seal(Data("x".utf8), nonce: "a1b2c3d4e5f6", associatedData: "", key: apiV3Key)
        let opened = try ExternalTool.run(
            [
                "python3", "-c",
                """
                import base64, sys
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM
                sys.stdout.buffer.write(AESGCM(b"\(apiV3Key)").decrypt(b"a1b2c3d4e5f6", base64.b64decode("\(sealed)"), b""))
                """,
            ]
        )
        #expect(opened == Data("x".utf8))
    }

    @Test func keysThatCannotSignOrVerifyAreNamed() throws {
        let small = try OpenSSLKeyPair(bits: 1024, in: directory, name: "small")
        #expect(throws: RSAKeyProblem.self) { try RSASigningKey(pem: small.privateKeyPEM) }
        let ecPath = directory.appendingPathComponent("ec.pem").path
        try ExternalTool.run([
            "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecPath,
        ])
        let ec = try String(contentsOfFile: ecPath, encoding: .utf8)
        do {
            _ = try RSASigningKey(pem: ec)
            Issue.record("an EC key was taken as RSA")
        } catch {
            #expect(error.description.contains("not an RSA private key"))
        }
        do {
            _ = try RSASigningKey(pem: "hello")
            Issue.record("text was taken as a key")
        } catch {
            #expect(error.description.contains("not a PEM"))
        }
        do {
            _ = try RSASigningKey(pem: merchant.publicKeyPEM)
            Issue.record("a public key was taken as a private key")
        } catch {
            #expect(error.description.contains("another kind"))
            #expect(!error.description.contains("MII"))
        }
        // Alipay's console shows keys as bare Base64.
        let bare = merchant.publicKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let key = try RSAVerifyingKey(pem: bare)
        let message = Data("m".utf8)
        #expect(key.isValidSignature(try merchant.opensslSignature(message), for: message))
    }
}
