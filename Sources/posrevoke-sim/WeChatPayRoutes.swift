import CompressNIO
import Foundation
import NIOCore
import PosrevokeCore
import PosrevokeSimulation
import Synchronization

/// WeChat Pay Score APIv3 at `/platform/wechatpay/v3/...`, as a direct merchant meets it: every request's
/// `WECHATPAY2-SHA256-RSA2048` signature checked with the merchant's key (so `\r\n`, milliseconds or a wrong
/// serial are refused with `401 SIGN_ERROR`), every answer signed, in public-key mode or with platform
/// certificates (served encrypted at `/v3/certificates`, rotated by `POST /platform/wechatpay/_rotate`). Orders and
/// users' authorizations are the `SimulatedPlatform`'s; its faults (429, 500 before the effect), lost answers after
/// it and forged answer signatures are played at the shares `platform.simulation` sets.
final class WeChatPayRoutes: Sendable {
    struct Signing: Sendable {
        var key: RSASigningKey
        var serial: String
        /// Certificates served at `/v3/certificates`, newest last.
        var certificates: [(serial: String, pem: String)]
    }

    let platform: SimulatedPlatform
    let merchant: RSAVerifyingKey
    let apiV3Key: String
    let certificateMode: Bool
    private let signing: Mutex<Signing>
    private let forger: RSASigningKey
    private let nonces = Mutex<[String: Int64]>([:])
    private let draws = Mutex<UInt64>(0)
    let settings: PlatformSimulationConfig
    /// The day's trade bills, and the faults tests set on them with `POST …/_bill_fault`.
    let bills: SimulatedTradeBill?
    private let billFaults = Mutex<[String: String]>([:])
    private let billCounts = Mutex<(queries: Int, downloads: Int)>((0, 0))
    /// Signed calls whose `Wechatpay-Serial` names no key the platform has listed (or is missing).
    private let unnamedSerials = Mutex(0)
    /// Where the simulator listens, for the bill's absolute `download_url`; set once it does.
    let base = Mutex<String>("")
    /// The daemon's callback listener, with `--callbacks-url`; `POST …/_callback {"kind", "openid"}` sends one.
    let callbacks = Mutex<WeChatPayCallbacks?>(nil)
    static let prefix = "/platform/wechatpay"

    /// `GET …/_stats`: calls counted, for tests that prove a bill is downloaded once.
    struct Stats: Codable {
        var bill_queries: Int
        var bill_downloads: Int
        /// `"<kind> <status>"` per delivered callback, in order.
        var callbacks: [String]
        /// Signed calls (the certificate list apart) without a `Wechatpay-Serial` naming a listed key.
        var unnamed_serial: Int
    }

    init(
        keys: RealPlatformKeys,
        platform: SimulatedPlatform,
        certificateMode: Bool,
        settings: PlatformSimulationConfig,
        bills: SimulatedTradeBill? = nil
    )
        throws
    {
        self.platform = platform
        self.bills = bills
        merchant = keys.merchant.publicKey
        apiV3Key = keys.apiV3Key
        self.certificateMode = certificateMode
        self.settings = settings
        forger = try RSASigningKey.generate()
        let serial = RealPlatformKeys.firstCertificateSerial
        let pem = try Self.certificate(keys.wechatPlatform, serial: serial)
        signing = Mutex(
            Signing(
                key: keys.wechatPlatform,
                serial: certificateMode ? serial : RealPlatformKeys.publicKeyID,
                certificates: [(serial, pem)]
            )
        )
    }

    private static func certificate(_ key: RSASigningKey, serial: String) throws -> String {
        let now = Date()
        return try key.selfSignedCertificatePEM(
            serial: serial,
            commonName: "Tenpay.com Root CA (simulated)",
            notBefore: now.addingTimeInterval(-86400),
            notAfter: now.addingTimeInterval(5 * 365 * 86400)
        )
    }

    /// `wechatpaySerial`: the request's `Wechatpay-Serial` header, the key id the client verifies answers with.
    func handle(
        method: String,
        uri: String,
        authorization: String?,
        wechatpaySerial: String? = nil,
        body: Data,
        now: Date
    ) -> SimReply {
        if method == "POST", uri == Self.prefix + "/_rotate" { return rotate() }
        if method == "POST", uri == Self.prefix + "/_bill_fault" { return setBillFault(body) }
        if method == "POST", uri == Self.prefix + "/_callback" { return sendCallback(body) }
        if method == "GET", uri == Self.prefix + "/_stats" {
            let counts = billCounts.withLock { $0 }
            let answers = callbacks.withLock { $0?.answers.withLock { $0 } } ?? []
            let stats = Stats(
                bill_queries: counts.queries,
                bill_downloads: counts.downloads,
                callbacks: answers,
                unnamed_serial: unnamedSerials.withLock { $0 }
            )
            return SimReply(status: 200, body: (try? JSONEncoder().encode(stats)) ?? Data(), fault: nil)
        }
        var reply: (status: Int, body: Data)
        if let refusal = refusal(method: method, uri: uri, authorization: authorization, body: body, now: now) {
            reply = Self.failure(401, "SIGN_ERROR", refusal)
        } else if method == "GET", uri.hasPrefix(Self.prefix + "/v3/billdownload/file?") {
            // Downloads are not signed: the hash in the signed location answer vouches for the file.
            return download(uri, now: now)
        } else {
            if !uri.hasPrefix(Self.prefix + "/v3/certificates"), !listed(wechatpaySerial) {
                unnamedSerials.withLock { $0 += 1 }
            }
            reply = answer(method, uri, body, now: now)
            if method == "POST", (200..<300).contains(reply.status), draw("lost") < settings.transientErrorShare / 2 {
                reply = Self.failure(500, "SYSTEM_ERROR", "系统错误 (simulated: the change was made, the answer lost)")
            }
        }
        return signed(reply, now: now)
    }

    /// Whether `serial` names the key answers are signed with or a certificate the list has served.
    private func listed(_ serial: String?) -> Bool {
        guard let serial else { return false }
        return signing.withLock { $0.serial == serial || $0.certificates.contains { $0.serial == serial } }
    }

    /// A new platform key and certificate: listed at once, used for answers from now on.
    private func rotate() -> SimReply {
        do {
            let key = try RSASigningKey.generate()
            let serial = try signing.withLock { state -> String in
                let next = String(UInt64(state.certificates.count + 1), radix: 16, uppercase: true)
                let serial = String(RealPlatformKeys.firstCertificateSerial.dropLast(next.count)) + next
                state.certificates.append((serial, try Self.certificate(key, serial: serial)))
                state.key = key
                state.serial = serial
                return serial
            }
            return SimReply(status: 200, body: Data("{\"serial_no\":\"\(serial)\"}".utf8), fault: nil)
        } catch {
            return SimReply(status: 500, body: Data(), fault: nil)
        }
    }

    private func refusal(method: String, uri: String, authorization: String?, body: Data, now: Date) -> String? {
        guard let header = authorization, let fields = WeChatPayAuthorization(header: header) else {
            return "Authorization 头缺失或格式错误 (WECHATPAY2-SHA256-RSA2048 expected)"
        }
        guard fields.merchantID == RealPlatformKeys.merchantID else { return "mchid \(fields.merchantID) is not ours" }
        guard fields.serial == RealPlatformKeys.merchantSerial else {
            return "serial_no is not the merchant API certificate's serial"
        }
        guard fields.timestamp.utf8.count <= 10, let timestamp = Int64(fields.timestamp) else {
            return "timestamp must be Unix seconds (not milliseconds)"
        }
        let clock = Int64(now.timeIntervalSince1970)
        guard abs(clock - timestamp) <= 300 else { return "timestamp is more than 300 s from the platform's clock" }
        let message = WeChatPaySigner.message(
            method: method,
            target: uri,
            timestamp: timestamp,
            nonce: fields.nonce,
            body: body
        )
        guard let signature = Data(base64Encoded: fields.signature), merchant.isValidSignature(signature, for: message)
        else { return "签名错误: the signature does not verify (wrong key, \\r\\n line ends, or a changed request)" }
        let fresh = nonces.withLock { seen -> Bool in
            if seen.count > 100_000 { seen = seen.filter { clock - $0.value <= 300 } }
            return seen.updateValue(timestamp, forKey: fields.nonce) == nil
        }
        return fresh ? nil : "nonce_str was already used"
    }

    private func answer(_ method: String, _ uri: String, _ body: Data, now: Date) -> (status: Int, body: Data) {
        let (fullPath, query) = SimRouter.split(uri)
        let path = String(fullPath.dropFirst(Self.prefix.count))
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        do {
            if method == "GET", parts == ["v3", "certificates"] { return (200, try certificates()) }
            if method == "GET", parts == ["v3", "bill", "tradebill"] { return try tradeBill(query, now: now) }
            if method == "GET", parts == ["v3", "payscore", "serviceorder"] { return try queryOrder(query, now: now) }
            if method == "POST", parts.count == 5, Array(parts[0...2]) == ["v3", "payscore", "serviceorder"],
                parts[4] == "cancel"
            {
                return try cancel(parts[3], body, now: now)
            }
            if parts.count >= 5, Array(parts[0...2]) == ["v3", "payscore", "permissions"] {
                return try permission(method, parts, query: query, body: body)
            }
            return Self.failure(404, "NOT_FOUND", "no such resource: \(method) \(path)")
        } catch let error as PlatformError {
            return Self.failure(error.status, error.code, error.message)
        } catch {
            return Self.failure(400, "PARAM_ERROR", "cannot read the request body")
        }
    }

    private func queryOrder(_ query: [String: String], now: Date) throws -> (status: Int, body: Data) {
        guard let number = query["out_order_no"], query["service_id"] == RealPlatformKeys.serviceID,
            query["appid"] == RealPlatformKeys.appID
        else { return Self.failure(400, "PARAM_ERROR", "out_order_no, service_id and appid are required") }
        guard let order = try platform.order(number, now: now) else {
            return Self.failure(404, "ORDER_NOT_EXIST", "订单不存在")
        }
        return (200, try json(order: number, state: order.open ? "DOING" : "REVOKED"))
    }

    private func cancel(_ number: String, _ body: Data, now: Date) throws -> (status: Int, body: Data) {
        let request = try WeChatPayWire.decoder.decode(WeChatPayWire.CancelOrder.self, from: body)
        guard request.service_id == RealPlatformKeys.serviceID, request.appid == RealPlatformKeys.appID else {
            return Self.failure(400, "PARAM_ERROR", "service_id or appid is not this merchant's")
        }
        guard let order = try platform.order(number, now: now) else {
            return Self.failure(404, "ORDER_NOT_EXIST", "订单不存在")
        }
        do {
            try platform.cancelOrder(number, reason: request.reason, now: now)
        } catch {
            guard error.code == PlatformError.debitInProgress else { throw error }
            return Self.failure(400, "INVALID_ORDER_STATE", "单据正在扣款中，请稍后再试")
        }
        if !order.open { return Self.failure(400, "ORDER_CANCELED", "订单已取消") }
        return (200, try json(order: number, state: nil))
    }

    /// `/v3/payscore/permissions/{authorization-code|openid}/{id}` and `…/terminate`.
    private func permission(
        _ method: String,
        _ parts: [String],
        query: [String: String],
        body: Data
    ) throws
        -> (status: Int, body: Data)
    {
        let kind = parts[3] == "authorization-code" ? "authorization_code" : parts[3] == "openid" ? "openid" : ""
        guard !kind.isEmpty else { return Self.failure(404, "NOT_FOUND", "no such permission kind") }
        let value = parts[4]
        switch (method, parts.count) {
        case ("GET", 5):
            guard query["service_id"] == RealPlatformKeys.serviceID,
                kind == "authorization_code" || query["appid"] == RealPlatformKeys.appID
            else { return Self.failure(400, "PARAM_ERROR", "service_id (and appid for openid) are required") }
            guard let active = try platform.authorizationActive(provider: .wechatPayscore, kind: kind, value: value)
            else { return Self.failure(404, "NOT_FOUND", "授权记录不存在") }
            var permission = WeChatPayWire.Permission(authorization_state: active ? "AVAILABLE" : "UNAVAILABLE")
            permission.service_id = RealPlatformKeys.serviceID
            permission.mchid = RealPlatformKeys.merchantID
            if kind == "openid" { permission.openid = value } else { permission.authorization_code = value }
            return (200, try WeChatPayWire.encoder.encode(permission))
        case ("POST", 6) where parts[5] == "terminate":
            let request = try WeChatPayWire.decoder.decode(WeChatPayWire.Terminate.self, from: body)
            guard request.service_id == RealPlatformKeys.serviceID, request.reason.count <= 50,
                kind == "authorization_code" || request.appid == RealPlatformKeys.appID
            else { return Self.failure(400, "PARAM_ERROR", "service_id, appid (for openid) and a reason ≤ 50") }
            guard try platform.terminateAuthorization(provider: .wechatPayscore, kind: kind, value: value) else {
                return Self.failure(404, "NOT_FOUND", "授权记录不存在")
            }
            return (204, Data())
        default:
            return Self.failure(404, "NOT_FOUND", "no such resource")
        }
    }

    /// `{"kind": "open" | "close" | "duplicate" | "forged" | "stale" | "probe", "openid": "…"}`: delivered at once;
    /// the daemon's answer shows in `_stats`.
    private func sendCallback(_ body: Data) -> SimReply {
        guard let sender = callbacks.withLock({ $0 }),
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: String],
            let kind = object["kind"].flatMap(WeChatPayCallbacks.Kind.init(rawValue:))
        else { return SimReply(status: 400, body: Data(), fault: nil) }
        let openid = object["openid"] ?? "oUpF8uMuAJO_M2pxb1Q9zNjWnew0001"
        Task { await sender.send(kind, openid: openid) }
        return SimReply(status: 202, body: Data(), fault: nil)
    }

    /// `{"date": "yyyy-MM-dd", "fault": "missing" | "bad-hash" | "crlf" | "malformed" | "none"}`.
    private func setBillFault(_ body: Data) -> SimReply {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: String],
            let date = object["date"],
            let fault = object["fault"], ["missing", "bad-hash", "crlf", "malformed", "none"].contains(fault)
        else { return SimReply(status: 400, body: Data(), fault: nil) }
        billFaults.withLock { $0[date] = fault == "none" ? nil : fault }
        return SimReply(status: 204, body: Data(), fault: nil)
    }

    private func billText(_ date: String, now: Date) -> Data? {
        let fault = billFaults.withLock { $0[date] }
        guard fault != "missing",
            let text = bills?.text(
                date: date,
                now: now,
                lineEnd: fault == "crlf" ? "\r\n" : "\n",
                malformedLine: fault == "malformed"
            )
        else { return nil }
        return Data(text.utf8)
    }

    private func tradeBill(_ query: [String: String], now: Date) throws -> (status: Int, body: Data) {
        billCounts.withLock { $0.queries += 1 }
        guard let date = query["bill_date"], query["bill_type"] == "ALL" else {
            return Self.failure(400, "PARAM_ERROR", "bill_date and bill_type=ALL are required")
        }
        guard let text = billText(date, now: now) else {
            return Self.failure(400, "NO_STATEMENT_EXIST", "要查询的账单不存在")
        }
        var hash = WeChatPayBillAnswer.sha1(text)
        if billFaults.withLock({ $0[date] }) == "bad-hash" { hash = String(hash.reversed()) }
        let answer = WeChatPayBillAnswer(
            hash_type: "SHA1",
            hash_value: hash,
            download_url: base.withLock { $0 } + Self.prefix + "/v3/billdownload/file?token=" + date
        )
        return (200, try WeChatPayWire.encoder.encode(answer))
    }

    private func download(_ uri: String, now: Date) -> SimReply {
        billCounts.withLock { $0.downloads += 1 }
        let (_, query) = SimRouter.split(uri)
        guard let date = query["token"], let text = billText(date, now: now) else {
            let failure = Self.failure(404, "NOT_FOUND", "no such bill")
            return SimReply(status: failure.status, body: failure.body, fault: nil)
        }
        var buffer = ByteBuffer(bytes: text)
        guard let gzip = try? buffer.compress(with: .gzip()) else {
            return SimReply(status: 500, body: Data(), fault: nil)
        }
        var reply = SimReply(status: 200, body: Data(gzip.readableBytesView), fault: nil)
        reply.contentType = "application/octet-stream"
        return reply
    }

    private func json(order number: String, state: String?) throws -> Data {
        var order = WeChatPayWire.Order(
            out_order_no: number,
            service_id: RealPlatformKeys.serviceID,
            appid: RealPlatformKeys.appID,
            mchid: RealPlatformKeys.merchantID,
            state: state
        )
        order.order_id = "sim-" + number
        if state == "DOING" { order.state_description = "USER_CONFIRM" }
        return try WeChatPayWire.encoder.encode(order)
    }

    private func certificates() throws -> Data {
        let list = signing.withLock { $0.certificates }
        let items = try list.enumerated().map { index, certificate in
            let nonce = String(format: "%012d", index + 1)
            return WeChatPayCertificateList.Item(
                serial_no: certificate.serial,
                effective_time: nil,
                expire_time: nil,
                encrypt_certificate: WeChatPayEncrypted(
                    algorithm: "AEAD_AES_256_GCM",
                    nonce: nonce,
                    associated_data: "certificate",
                    ciphertext: try WeChatPayAEAD.seal(
                        Data(certificate.pem.utf8),
                        nonce: nonce,
                        associatedData: "certificate",
                        key: apiV3Key
                    )
                )
            )
        }
        return try WeChatPayWire.encoder.encode(WeChatPayCertificateList(data: items))
    }

    /// The answer with its signature headers; a share of them signed by a forger's key.
    private func signed(_ reply: (status: Int, body: Data), now: Date) -> SimReply {
        var answer = SimReply(status: reply.status, body: reply.body, fault: nil)
        answer.headers = signatureHeaders(body: reply.body, at: now, forged: draw("forge") < settings.forgedAnswerShare)
        return answer
    }

    /// The `Wechatpay-*` headers of an answer or a callback, signed with the platform's key (or a forger's).
    func signatureHeaders(body: Data, at now: Date, forged: Bool) -> [(String, String)] {
        let (key, serial) = signing.withLock { ($0.key, $0.serial) }
        let timestamp = String(Int64(now.timeIntervalSince1970))
        let nonce = WeChatPayNonce.make()
        let message = WeChatPayVerifier.message(timestamp: timestamp, nonce: nonce, body: body)
        let signature = (try? (forged ? forger : key).signature(for: message).base64EncodedString()) ?? ""
        return [
            ("Wechatpay-Timestamp", timestamp), ("Wechatpay-Nonce", nonce), ("Wechatpay-Signature", signature),
            ("Wechatpay-Serial", serial), ("Wechatpay-Signature-Type", WeChatPaySigner.scheme),
            ("Request-ID", WeChatPayNonce.make()),
        ]
    }

    /// A deterministic draw in [0, 1) per kind of fault, from the seed.
    private func draw(_ kind: String) -> Double {
        let n = draws.withLock { count -> UInt64 in
            count += 1
            return count
        }
        var rng = SplitMix64(seed: settings.seed, stream: "wechatpay/\(kind)/\(n)")
        return rng.unit()
    }

    static func failure(_ status: Int, _ code: String, _ message: String) -> (status: Int, body: Data) {
        (status, (try? WeChatPayWire.encoder.encode(WeChatPayWire.Failure(code: code, message: message))) ?? Data())
    }
}
