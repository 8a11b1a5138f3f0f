import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PosrevokeCore

/// `platform.providers.<p>: http`: the platform's merchant API (shaped like WeChat Pay Score APIv3), every request
/// signed with the key from `key_file`.
///
/// A 429 or 5xx is tried again within the call (`InCallRetry`), with the same body and request number; a refused
/// signature or a refused permission is never retried.
struct HTTPPlatform: PaymentPlatform {
    let provider: CreditProvider
    let config: PlatformHTTPConfig
    let client: HTTPClient
    let timeout: Duration
    var retry = InCallRetry()
    static let maxBody = 1 << 20

    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]? {
        let query = "service_id=\(Self.escaped(config.serviceID))&terminal_id=\(Self.escaped(terminal))"
        let list = try decode(PlatformWire.OrderList.self, try await call(.GET, "/v3/payscore/serviceorder?\(query)"))
        return list.data.filter { PlatformWire.cancellableStates.contains($0.state) }.map(\.out_order_no)
    }

    func cancelOrder(_ outOrderNo: String, reason: String) async throws {
        let body = PlatformWire.CancelRequest(appid: config.appID, service_id: config.serviceID, reason: reason)
        do {
            _ = try await call(.POST, "/v3/payscore/serviceorder/\(Self.escaped(outOrderNo))/cancel", body)
        } catch let error as PlatformCallError where error.code == "ORDER_CANCELED" {
            // Cancelled by an earlier attempt whose answer was lost: the effect is there.
        }
    }

    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String {
        let body = PlatformWire.DeactivationRequest(
            out_request_no: requestKey,
            service_id: config.serviceID,
            terminal_id: terminal
        )
        let data = try await call(.POST, "/v3/payscore/deactivation-applications", body)
        return try decode(PlatformWire.Deactivation.self, data).application_id
    }

    func review(application: String) async throws -> (state: String, reason: String?) {
        let data = try await call(.GET, "/v3/payscore/deactivation-applications/\(Self.escaped(application))")
        let answer = try decode(PlatformWire.Deactivation.self, data)
        let states = ["SUBMITTED": "submitted", "UNDER_REVIEW": "under_review", "APPROVED": "approved"]
        if answer.state == "REJECTED" { return ("rejected", answer.reject_reason) }
        guard let state = states[answer.state] else {
            throw PlatformCallError(
                description: "\(provider.rawValue) platform: unknown review state '\(answer.state)'",
                retryable: false
            )
        }
        return (state, nil)
    }

    func bindingIsGone(_ scope: BindingScope) async throws -> Bool {
        let path = "\(Self.bindingPath(scope.terminal))?service_id=\(Self.escaped(config.serviceID))"
        let answer = try decode(PlatformWire.Authorization.self, try await call(.GET, path))
        return answer.authorization_state != "AVAILABLE"
    }

    func terminateBinding(_ scope: BindingScope, reason: String) async throws {
        let body = PlatformWire.BindingRequest(service_id: config.serviceID, reason: reason)
        _ = try await call(.POST, "\(Self.bindingPath(scope.terminal))/terminate", body)
    }

    func rebind(_ scope: BindingScope, requestKey: String) async throws {
        let body = PlatformWire.BindingRequest(service_id: config.serviceID, reason: "restored (\(requestKey))")
        _ = try await call(.POST, "\(Self.bindingPath(scope.terminal))/restore", body)
    }

    /// The terminal's authorization code is its id: one binding per terminal and provider.
    private static func bindingPath(_ terminal: String) -> String {
        "/v3/payscore/permissions/authorization-code/\(escaped(terminal))"
    }

    private static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "&", "="])) ?? text
    }
}

extension HTTPPlatform {
    func call(_ method: HTTPMethod, _ path: String, _ body: some Encodable) async throws -> Data {
        try await call(method, path, payload: try PlatformWire.encoder.encode(body))
    }

    /// One signed call, tried again on 429, 5xx and transport errors; a 2xx body comes back.
    func call(_ method: HTTPMethod, _ path: String, payload: Data = Data()) async throws -> Data {
        try await retry.run { try await send(method, path, payload) }
    }

    private func send(_ method: HTTPMethod, _ path: String, _ payload: Data) async throws -> Data {
        let secret: SecretFile
        do {
            secret = try SecretFile(config.keyFile, kind: .signingKey)
        } catch {
            throw PlatformCallError(description: "\(provider.rawValue) platform: \(error)", retryable: false)
        }
        let signer = PlatformSigner(secret: secret.reveal(), merchantID: config.merchantID, serial: config.keySerial)
        // Signed as sent: the path still percent-encoded.
        let base = URLComponents(string: config.url)?.percentEncodedPath ?? ""
        var request = HTTPClientRequest(url: config.url + path)
        request.method = method
        request.headers.add(name: "accept", value: "application/json")
        request.headers.add(
            name: "authorization",
            value: signer.authorization(
                method: method.rawValue,
                path: base + path,
                body: payload,
                timestamp: Int64(Date().timeIntervalSince1970)
            )
        )
        if method == .POST {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: payload))
        }
        let answer = try await BoundedExchange(client: client, timeout: timeout, maxBody: Self.maxBody)
            .platformCall(request, provider: provider)
        let (data, status) = (answer.body, answer.status)
        guard (200..<300).contains(status) else {
            throw failure(status, data, retryAfter: answer.headers.first(name: "retry-after"))
        }
        return data
    }

    private func failure(_ status: Int, _ data: Data, retryAfter: String?) -> PlatformCallError {
        let answer = try? PlatformWire.decoder.decode(PlatformWire.Failure.self, from: data)
        let code = answer?.code ?? "HTTP_\(status)"
        var text = "\(provider.rawValue) platform: \(status) \(code): \(answer?.message ?? "no error body")"
        if code == "SIGN_ERROR" || status == 401 {
            text +=
                " (the platform refuses our signature: check platform.http.\(provider.rawValue).key_file, "
                + "key_serial and merchant_id)"
        }
        var error = PlatformCallError(
            description: text,
            retryable: status == 429 || status >= 500 || code == "ORDER_DEBITING"
        )
        error.code = code
        error.retryAfter = RetryAfter.parse(retryAfter, now: Date())
        return error
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try PlatformWire.decoder.decode(type, from: data)
        } catch {
            throw PlatformCallError(
                description: "\(provider.rawValue) platform: unreadable answer (\(error))",
                retryable: true
            )
        }
    }
}
