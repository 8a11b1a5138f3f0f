import Foundation
import PosrevokeCore

/// What the server should send back: an answer (JSON unless said otherwise), possibly spoiled by a scenario
/// fault. Status 0 means no answer at all: the connection closes.
struct SimReply: Sendable {
    var status: Int
    var body: Data
    var fault: AgentFault?
    var contentType = "application/json"
    /// Headers beyond the content type and length (a platform's signature headers).
    var headers: [(String, String)] = []
}

/// Sends each request to the part of the simulator that serves it: terminals under `/t/`, the payment platform
/// under `/platform/`, Prometheus metrics under `/metrics/`, the PAXSTORE TMS under `/tms/paxstore/`.
struct SimRouter: Sendable {
    let agents: AgentRoutes
    let platform: PlatformRoutes?
    var wechatPay: WeChatPayRoutes? = nil
    var alipay: AlipayRoutes? = nil
    let metrics: MetricsRoutes
    var paxstore: PaxstoreRoutes? = nil

    /// `signature`: the request's `signature` header, which only PAXSTORE requests carry; `wechatpaySerial`: its
    /// `Wechatpay-Serial`, which only WeChat Pay requests carry.
    func handle(
        method: String,
        uri: String,
        authorization: String?,
        signature: String? = nil,
        wechatpaySerial: String? = nil,
        body: Data,
        now: Date
    ) -> SimReply {
        if uri == PaxstoreRoutes.prefix || uri.hasPrefix(PaxstoreRoutes.prefix + "/")
            || uri.hasPrefix(PaxstoreRoutes.prefix + "?")
        {
            guard let paxstore else {
                return PaxstoreRoutes.failure(
                    404,
                    "the PAXSTORE simulator is off: start posrevoke-sim with --paxstore DIR"
                )
            }
            return paxstore.handle(method: method, uri: uri, signature: signature, body: body, now: now)
        }
        if uri.hasPrefix(WeChatPayRoutes.prefix + "/") || uri.hasPrefix(AlipayRoutes.prefix + "/") {
            let route: SimReply? =
                uri.hasPrefix(WeChatPayRoutes.prefix)
                ? wechatPay?.handle(
                    method: method,
                    uri: uri,
                    authorization: authorization,
                    wechatpaySerial: wechatpaySerial,
                    body: body,
                    now: now
                )
                : alipay?.handle(method: method, uri: uri, body: body, now: now)
            return route
                ?? PlatformRoutes.failure(
                    404,
                    "NOT_FOUND",
                    "the real-platform simulators are off: start posrevoke-sim with --real-platforms DIR"
                )
        }
        if uri.hasPrefix("/platform/") {
            guard let platform else {
                return PlatformRoutes.failure(
                    404,
                    "NOT_FOUND",
                    "the platform API is off: start posrevoke-sim with --platform-key-file"
                )
            }
            return platform.handle(method: method, uri: uri, authorization: authorization, body: body, now: now)
        }
        if uri.hasPrefix("/metrics/") { return metrics.handle(uri: uri, now: now) }
        return agents.handle(method: method, uri: uri, authorization: authorization, body: body, now: now)
    }

    /// A body that cannot be read as the expected JSON.
    struct BadRequest: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do {
            return try AgentWire.decoder.decode(type, from: body)
        } catch {
            throw BadRequest("cannot read the body: \(error)")
        }
    }

    static func json(_ status: Int, _ value: some Encodable) throws -> SimReply {
        SimReply(status: status, body: try AgentWire.encoder.encode(value), fault: nil)
    }

    /// The path and the percent-decoded query parameters of a request URI.
    ///
    /// Any text is a query: a pair without a name (`?=`, `?=x`, `?&&`) is ignored, a name without `=` has an empty
    /// value, and a repeated name keeps its last value.
    static func split(_ uri: String) -> (String, [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let name = kv.first, !name.isEmpty else { continue }
            let value = kv.count > 1 ? kv[1] : ""
            query[name.removingPercentEncoding ?? name] = value.removingPercentEncoding ?? value
        }
        return (String(uri[..<mark]), query)
    }
}
