import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PosrevokeCore

/// Signed calls to WeChat Pay APIv3 for one merchant account, each answer verified before it is believed.
struct WeChatPayClient: Sendable {
    let account: WeChatPayAccount
    let keys: WeChatPayKeys
    let client: HTTPClient
    let clock: any WallClock
    var timeout: Duration = .seconds(10)
    var retry = InCallRetry()
    static let maxBody = 1 << 20
    static let provider = CreditProvider.wechatPayscore

    /// What a call gave back: a verified body, or one of the error codes the caller said mean "already done".
    enum Result: Sendable {
        case body(Data)
        case alreadyDone(code: String)
    }

    func call(
        _ method: HTTPMethod,
        _ target: String,
        body: (some Encodable & Sendable)? = String?.none,
        alreadyDone: Set<String> = []
    ) async throws -> Result {
        let payload = try body.map { try WeChatPayWire.encoder.encode($0) } ?? Data()
        // A change is never sent twice within a call: after a lost answer, the step's retry queries first.
        let policy = method == .GET ? retry : InCallRetry(attempts: 1)
        return try await policy.run { try await send(method, target, payload, alreadyDone: alreadyDone) }
    }

    /// The certificate list, decrypted with the APIv3 key and checked, and the answer verified with it.
    func downloadCertificates(apiV3Key: String) async throws -> (keys: [String: RSAVerifyingKey], newest: String?) {
        let answer = try await exchange(.GET, "/v3/certificates", Data())
        guard answer.status == 200 else {
            // Nothing can verify this answer yet: the certificates are what it would be verified with.
            let failure = try? WeChatPayWire.decoder.decode(WeChatPayWire.Failure.self, from: answer.body)
            let code = failure?.code ?? "HTTP_\(answer.status)"
            var error = PlatformCallError(
                description: "wechat-payscore platform: GET /v3/certificates answered \(answer.status) \(code)",
                retryable: answer.status == 429 || answer.status >= 500
            )
            if answer.status == 401 || answer.status == 403 {
                error.description += Self.hint(status: answer.status, code)
            }
            error.code = code
            throw error
        }
        guard let list = try? WeChatPayWire.decoder.decode(WeChatPayCertificateList.self, from: answer.body) else {
            throw PlatformCallError(
                description: "wechat-payscore platform: /v3/certificates answered without a list",
                retryable: true
            )
        }
        let now = clock.now()
        let certificates: [String: RSAVerifyingKey]
        do {
            certificates = try list.keys(apiV3Key: apiV3Key, now: now)
        } catch {
            throw PlatformCallError(
                description: "wechat-payscore platform: platform certificates refused: \(error) (check "
                    + "platform.wechatpay.apiv3_key_file)",
                retryable: false
            )
        }
        do {
            let headers = try WeChatPaySignatureHeaders { answer.headers.first(name: $0) }
            try WeChatPayVerifier(keys: certificates).verify(headers, body: answer.body, now: now)
        } catch {
            throw PlatformCallError(
                description: "wechat-payscore platform: the certificate list is not believed: \(error)",
                retryable: true
            )
        }
        // The list's last entry that is valid now: the platform lists the newest last.
        return (certificates, list.data.last { certificates[$0.serial_no] != nil }?.serial_no)
    }

    private func send(
        _ method: HTTPMethod,
        _ target: String,
        _ payload: Data,
        alreadyDone: Set<String>
    ) async throws -> Result {
        try await keys.prepare(now: clock.now()) { key in try await downloadCertificates(apiV3Key: key) }
        let answer = try await exchange(method, target, payload)
        let serial = answer.headers.first(name: "Wechatpay-Serial")
        let verifier = try await keys.verifier(for: serial, now: clock.now()) { key in
            try await downloadCertificates(apiV3Key: key)
        }
        let judged = WeChatPayAnswer.read(
            status: answer.status,
            header: { answer.headers.first(name: $0) },
            body: answer.body,
            verifier: verifier,
            now: clock.now()
        )
        switch judged {
        case .success(let data):
            return .body(data)
        case .unverified(let why):
            throw PlatformCallError(
                description: "wechat-payscore platform: answer to \(method.rawValue) not believed: \(why)",
                retryable: true
            )
        case .failure(let failure):
            var error = PlatformCallError(
                description: "wechat-payscore platform: \(method.rawValue) answered \(failure)",
                retryable: false
            )
            error.code = failure.code
            switch failure.disposition(alreadyDone: alreadyDone) {
            case .alreadyDone:
                // Acted on only when WeChat Pay signed it: a forged "not found" must not end a step.
                guard failure.verified else {
                    error.description += " (not believed)"
                    error.retryable = true
                    throw error
                }
                return .alreadyDone(code: failure.code)
            case .retry:
                error.retryable = true
                error.retryAfter = RetryAfter.parse(answer.headers.first(name: "retry-after"), now: clock.now())
            case .settings:
                error.description += Self.hint(status: failure.status, failure.code)
            case .permanent:
                break
            }
            // An error WeChat Pay did not sign may make a step wait, never fail it.
            if !failure.verified { error.retryable = true }
            throw error
        }
    }

    func exchange(
        _ method: HTTPMethod,
        _ target: String,
        _ payload: Data,
        maxBody: Int = WeChatPayClient.maxBody,
        timeout: Duration? = nil
    ) async throws
        -> BoundedExchange.Answer
    {
        let pem = try SecretFile.platformCredential(
            account.privateKeyFile,
            kind: .rsaPrivateKey,
            setting: "platform.wechatpay.private_key_file"
        )
        let signer: WeChatPaySigner
        do {
            signer = WeChatPaySigner(
                key: try RSASigningKey(pem: pem),
                merchantID: account.merchantID,
                serial: account.merchantSerialNo
            )
        } catch {
            throw PlatformCallError(description: "platform.wechatpay.private_key_file \(error)", retryable: false)
        }
        // Signed as sent: the base URL's own path (a test prefix) and the percent-encoded target.
        let base = URLComponents(string: account.baseURL)?.percentEncodedPath ?? ""
        var request = HTTPClientRequest(url: account.baseURL + target)
        request.method = method
        request.headers.add(name: "accept", value: "application/json")
        request.headers.add(name: "user-agent", value: "posrevoke")
        if let serial = await keys.requestSerial() { request.headers.add(name: "wechatpay-serial", value: serial) }
        let authorization: String
        do {
            authorization = try signer.authorization(
                method: method.rawValue,
                target: base + target,
                body: payload,
                timestamp: Int64(clock.now().timeIntervalSince1970.rounded(.down))
            )
        } catch {
            throw PlatformCallError(description: "wechat-payscore platform: signing failed", retryable: false)
        }
        request.headers.add(name: "authorization", value: authorization)
        if method == .POST {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: payload))
        }
        return try await BoundedExchange(client: client, timeout: timeout ?? self.timeout, maxBody: maxBody)
            .platformCall(request, provider: Self.provider)
    }

    /// Which settings to look at when WeChat Pay refuses the merchant (403) or the signature (401).
    static func hint(status: Int, _ code: String) -> String {
        status == 403 || code == "NO_AUTH"
            ? " (WeChat Pay refuses this merchant the call: check platform.wechatpay.mchid, appid and service_id, and "
                + "that Pay Score is open for them)"
            : " (WeChat Pay refuses our signature: check platform.wechatpay.private_key_file, merchant_serial_no and "
                + "mchid, and this machine's clock)"
    }

    /// Percent-encodes a path segment or query value.
    static func escaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.unicodeScalars.map { scalar in
            if scalar.isASCII, allowed.contains(scalar) { return String(scalar) }
            return String(scalar).utf8.map { String(format: "%%%02X", $0) }.joined()
        }.joined()
    }
}
