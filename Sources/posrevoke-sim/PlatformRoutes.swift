import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Synchronization

/// The payment-platform API at `/platform/{provider}/v3/payscore/...`, shaped like WeChat Pay Score APIv3 and
/// answered by the same `SimulatedPlatform` the daemon embeds.
///
/// Every request must carry a valid signature made with the key from `--platform-key-file`, a timestamp within
/// five minutes and a nonce not seen before; anything else is `401 SIGN_ERROR`, as the real platform answers.
final class PlatformRoutes: Sendable {
    let platform: SimulatedPlatform
    let signer: PlatformSigner
    static let window: Int64 = 300
    private let nonces = Mutex<[String: Int64]>([:])
    private let answered = Mutex<[Int: Int]>([:])
    /// Successful changes answered with a 500 anyway, as if the answer was lost on the way back.
    private let lost = Mutex<(requests: UInt64, lost: Int)>((0, 0))
    let seed: UInt64
    let lostShare: Double

    /// Half of `transient_error_share` fails calls before their effect (in the platform itself); the other half
    /// is played here, after it: the change is made, the answer says 500.
    init(platform: SimulatedPlatform, secret: String, settings: PlatformSimulationConfig) {
        self.platform = platform
        signer = PlatformSigner(secret: secret, merchantID: "", serial: "")
        seed = settings.seed
        lostShare = settings.transientErrorShare / 2
    }

    var lostCount: Int { lost.withLock { $0.lost } }

    /// Answers by status so far, e.g. `200×41 401×1 429×3`, for the log line at exit.
    var summary: String {
        answered.withLock { counts in
            counts.isEmpty
                ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        }
    }

    func handle(method: String, uri: String, authorization: String?, body: Data, now: Date) -> SimReply {
        var reply = answer(method: method, uri: uri, authorization: authorization, body: body, now: now)
        if method == "POST", (200..<300).contains(reply.status), loseAnswer() {
            reply = Self.failure(500, "SYSTEM_ERROR", "system error, retry with the same parameters")
        }
        answered.withLock { $0[reply.status, default: 0] += 1 }
        return reply
    }

    private func answer(method: String, uri: String, authorization: String?, body: Data, now: Date) -> SimReply {
        if let refusal = checkSignature(method: method, uri: uri, authorization: authorization, body: body, now: now) {
            return Self.failure(401, "SIGN_ERROR", refusal)
        }
        let (path, query) = SimRouter.split(uri)
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "platform", let provider = CreditProvider(rawValue: parts[1]),
            parts[2] == "v3", parts[3] == "payscore"
        else { return Self.failure(404, "NOT_FOUND", "no such resource: \(path)") }
        do {
            return try route(method, Array(parts.dropFirst(4)), provider: provider, query: query, body: body, now: now)
        } catch let error as PlatformError {
            return Self.failure(error.status, error.code, error.message)
        } catch let error as SimRouter.BadRequest {
            return Self.failure(400, "PARAM_ERROR", error.message)
        } catch {
            return Self.failure(500, "SYSTEM_ERROR", "\(error)")
        }
    }

    private func route(
        _ method: String,
        _ rest: [String],
        provider: CreditProvider,
        query: [String: String],
        body: Data,
        now: Date
    ) throws -> SimReply {
        switch (method, rest.count, rest.first) {
        case ("GET", 1, "serviceorder"):
            guard let terminal = query["terminal_id"] else { throw SimRouter.BadRequest("terminal_id is required") }
            let orders = try platform.openOrders(terminal: terminal, provider: provider, now: now)
            return try SimRouter.json(
                200,
                PlatformWire.OrderList(data: orders.map { .init(out_order_no: $0, state: "DOING") })
            )
        case ("POST", 3, "serviceorder") where rest[2] == "cancel":
            let request = try SimRouter.decode(PlatformWire.CancelRequest.self, body)
            let order = rest[1].removingPercentEncoding ?? rest[1]
            try platform.cancelOrder(order, reason: request.reason, now: now)
            return try SimRouter.json(200, PlatformWire.Order(out_order_no: order, state: "REVOKED"))
        case ("POST", 1, "deactivation-applications"):
            let request = try SimRouter.decode(PlatformWire.DeactivationRequest.self, body)
            let id = try platform.submitDeactivation(
                terminal: request.terminal_id,
                provider: provider,
                requestKey: request.out_request_no,
                now: now
            )
            return try SimRouter.json(
                200,
                PlatformWire.Deactivation(application_id: id, state: "SUBMITTED", reject_reason: nil)
            )
        case ("GET", 2, "deactivation-applications"):
            let id = rest[1].removingPercentEncoding ?? rest[1]
            let review = try platform.application(id, now: now)
            let state =
                ["submitted": "SUBMITTED", "under_review": "UNDER_REVIEW", "approved": "APPROVED"][
                    review.state.rawValue
                ] ?? "REJECTED"
            return try SimRouter.json(
                200,
                PlatformWire.Deactivation(application_id: id, state: state, reject_reason: review.reason)
            )
        case (_, _, "permissions") where rest.count >= 3 && rest[1] == "authorization-code":
            return try binding(method, Array(rest.dropFirst(2)), provider: provider, query: query, body: body)
        default:
            return Self.failure(404, "NOT_FOUND", "no such resource: \(method) /\(rest.joined(separator: "/"))")
        }
    }

    /// `/permissions/authorization-code/{code}`: the query, `…/terminate` and `…/restore`.
    private func binding(
        _ method: String,
        _ rest: [String],
        provider: CreditProvider,
        query: [String: String],
        body: Data
    ) throws -> SimReply {
        let terminal = rest[0].removingPercentEncoding ?? rest[0]
        switch (method, rest.count > 1 ? rest[1] : nil) {
        case ("GET", nil):
            guard let service = query["service_id"] else { throw SimRouter.BadRequest("service_id is required") }
            let state = try platform.binding(terminal: terminal, provider: provider)
            return try SimRouter.json(
                200,
                PlatformWire.Authorization(
                    authorization_code: terminal,
                    service_id: service,
                    authorization_state: state.rawValue
                )
            )
        case ("POST", "terminate"?):
            _ = try SimRouter.decode(PlatformWire.BindingRequest.self, body)
            try platform.terminate(terminal: terminal, provider: provider)
            return SimReply(status: 204, body: Data(), fault: nil)
        case ("POST", "restore"?):
            let request = try SimRouter.decode(PlatformWire.BindingRequest.self, body)
            try platform.rebind(terminal: terminal, provider: provider, requestKey: request.reason)
            return SimReply(status: 204, body: Data(), fault: nil)
        default:
            return Self.failure(
                404,
                "NOT_FOUND",
                "no such resource: \(method) authorization-code/\(rest.joined(separator: "/"))"
            )
        }
    }

    private func loseAnswer() -> Bool {
        guard lostShare > 0 else { return false }
        return lost.withLock { state in
            state.requests += 1
            var rng = SplitMix64(seed: seed, stream: "lost-answer/\(state.requests)")
            guard rng.unit() < lostShare else { return false }
            state.lost += 1
            return true
        }
    }

    /// Why the request's signature is refused, or nil when it is good.
    private func checkSignature(
        method: String,
        uri: String,
        authorization: String?,
        body: Data,
        now: Date
    ) -> String? {
        guard let header = authorization, let fields = PlatformAuthorization(header: header) else {
            return "missing or malformed Authorization header (\(PlatformSigner.scheme) expected)"
        }
        let clock = Int64(now.timeIntervalSince1970)
        guard PlatformSigner.isFresh(fields.timestamp, now: clock, window: Self.window) else {
            return "timestamp \(fields.timestamp) is more than \(Self.window) s from the platform's clock"
        }
        guard signer.verifies(fields, method: method, path: uri, body: body) else {
            return "signature does not verify (wrong key, or the request was changed)"
        }
        let fresh = nonces.withLock { seen -> Bool in
            if seen.count > 100_000 { seen = seen.filter { clock - $0.value <= Self.window } }
            return seen.updateValue(fields.timestamp, forKey: fields.nonce) == nil
        }
        return fresh ? nil : "nonce \(fields.nonce) was already used"
    }

    static func failure(_ status: Int, _ code: String, _ message: String) -> SimReply {
        let body = (try? PlatformWire.encoder.encode(PlatformWire.Failure(code: code, message: message))) ?? Data()
        return SimReply(status: status, body: body, fault: nil)
    }
}
