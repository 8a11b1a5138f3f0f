import AsyncHTTPClient
import Foundation
import NIOCore
import PosrevokeCore
import Synchronization

/// The Pay Score notifications WeChat Pay sends a merchant, played against the daemon's callback listener: users
/// opening the cancelled service after cutover (one the merchant imported, one it never saw), closing it, and the
/// deliveries a listener must refuse or shrug off: duplicates, forged and stale signatures, WeChat Pay's probes.
final class WeChatPayCallbacks: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        case open, close, duplicate, forged, stale, probe
    }

    let url: String
    private let routes: WeChatPayRoutes
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)
    private let counter = Mutex(0)
    private let last = Mutex<(headers: [(String, String)], body: Data)?>(nil)
    /// The daemon's answer to each delivery, by notification id and kind, for tests.
    let answers = Mutex<[String]>([])

    init(url: String, routes: WeChatPayRoutes) {
        self.url = url
        self.routes = routes
    }

    /// The demo's sequence, one delivery every `interval`, once.
    static let script: [(Kind, String)] = [
        (.open, "oUpF8uMuAJO_M2pxb1Q9zNjW0000001"), (.open, "oUpF8uMuAJO_M2pxb1Q9zNjWnew0001"), (.duplicate, ""),
        (.forged, "oUpF8uMuAJO_M2pxb1Q9zNjWforged1"), (.stale, "oUpF8uMuAJO_M2pxb1Q9zNjWstale01"),
        (.probe, "oUpF8uMuAJO_M2pxb1Q9zNjWprobe01"), (.close, "oUpF8uMuAJO_M2pxb1Q9zNjW0000001"),
    ]

    func play(every interval: Duration) async {
        for (kind, openid) in Self.script {
            try? await Task.sleep(for: interval)
            await send(kind, openid: openid)
        }
    }

    /// Builds and delivers one notification; records and returns the daemon's status (0 when unreachable).
    @discardableResult
    func send(_ kind: Kind, openid: String) async -> Int {
        let delivery: (headers: [(String, String)], body: Data)
        if kind == .duplicate, let previous = last.withLock({ $0 }) {
            delivery = previous
        } else if let built = build(kind, openid: openid, now: Date()) {
            delivery = built
            if kind == .open || kind == .close { last.withLock { $0 = built } }
        } else {
            return 0
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in delivery.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        let status: Int
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 1 << 16)
        } catch {
            status = 0
        }
        answers.withLock { $0.append("\(kind.rawValue) \(status)") }
        return status
    }

    private func build(_ kind: Kind, openid: String, now: Date) -> (headers: [(String, String)], body: Data)? {
        let n = counter.withLock { count -> Int in
            count += 1
            return count
        }
        let beijing = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = beijing
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        let two = { (value: Int?) in String(format: "%02d", value ?? 0) }
        let time = "\(c.year ?? 0)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))"
        let event = kind == .close ? PayScoreCallbackReader.closeEvent : PayScoreCallbackReader.openEvent
        let payload = PayScoreServiceEvent(
            mchid: RealPlatformKeys.merchantID,
            service_id: RealPlatformKeys.serviceID,
            out_request_no: "req-\(openid.suffix(8))-\(n)",
            openid: openid,
            user_service_status: kind == .close ? "USER_CLOSE_SERVICE" : "USER_OPEN_SERVICE",
            openorclose_time: time
        )
        let nonce = String(format: "%012d", n)
        guard let plaintext = try? WeChatPayWire.encoder.encode(payload),
            let ciphertext = try? WeChatPayAEAD.seal(
                plaintext,
                nonce: nonce,
                associatedData: "payscore",
                key: routes.apiV3Key
            )
        else { return nil }
        let notification = WeChatPayNotification(
            id: "sim-notify-\(n)-\(Int(now.timeIntervalSince1970))",
            create_time: now.formatted(.iso8601),
            event_type: event,
            summary: "支付分服务\(kind == .close ? "解除" : "开启")",
            resource: .init(
                algorithm: "AEAD_AES_256_GCM",
                ciphertext: ciphertext,
                nonce: nonce,
                associated_data: "payscore",
                original_type: "payscore"
            )
        )
        guard let body = try? WeChatPayWire.encoder.encode(notification) else { return nil }
        let signedAt = kind == .stale ? now.addingTimeInterval(-900) : now
        var headers = routes.signatureHeaders(body: body, at: signedAt, forged: kind == .forged)
        if kind == .probe {
            headers = headers.map { $0.0 == "Wechatpay-Signature" ? ($0.0, "WECHATPAY/SIGNTEST/" + $0.1) : $0 }
        }
        return (headers, body)
    }

    func shutdown() async { try? await client.shutdown() }
}
