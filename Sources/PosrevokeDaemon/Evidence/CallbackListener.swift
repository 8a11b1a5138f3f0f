import Foundation
import Hummingbird
import Logging
import NIOCore
import PosrevokeControl
import PosrevokeCore
import Synchronization

/// `callbacks.listen`: the one HTTP listener for WeChat Pay's Pay Score notifications, behind the operator's HTTPS
/// reverse proxy. Every request is bounded (64 KiB body, 5 s for the whole request, idle connections closed,
/// at most `maxConnections` at once); its signature is verified before anything is read, then the resource is
/// decrypted with the APIv3 key. A notification already handled is acknowledged again and changes nothing.
final class CallbackListener: Sendable {
    static let path = "/v1/callbacks/wechatpay"
    static let maxConnections = 64
    /// WeChat Pay gives up on an answer after 5 s and delivers again later.
    static let deadline: Duration = .seconds(4)

    private let listener: HTTPListener
    private let engine: Engine
    private let runner: JobRunner
    private let clock: any WallClock
    private let logger: Logger
    let counts = Mutex(CallbackCounts(accepted: 0, duplicates: 0, refused: 0, lastRefusal: ""))
    /// When a refusal was last written to the journal: a flood of forged callbacks must not flood it too.
    private let lastLogged = Mutex(Date.distantPast)

    init(listen: String, engine: Engine, runner: JobRunner, clock: any WallClock, logger: Logger) {
        var listener = HTTPListener(listen: listen, name: "WeChat Pay callbacks at \(Self.path)", logger: logger)
        listener.maxConnections = Self.maxConnections
        self.listener = listener
        self.engine = engine
        self.runner = runner
        self.clock = clock
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    func run() async throws {
        let router = Router()
        router.post(RouterPath(Self.path)) { request, _ -> Response in
            await self.respond(request)
        }
        try await listener.run(router)
    }

    private func respond(_ request: Request) async -> Response {
        let (body, headers) = (request.body, request.headers)
        let outcome: Result<String, Refusal>
        do {
            outcome = .success(
                try await withDeadline(
                    Self.deadline,
                    {
                        let bytes: ByteBuffer
                        do {
                            bytes = try await body.collect(upTo: PayScoreCallbackReader.maxBody)
                        } catch {
                            throw Refusal(status: .contentTooLarge, reason: "the body is cut or larger than 64 KiB")
                        }
                        return try await self.handle(headers: headers, body: Data(bytes.readableBytesView))
                    },
                    onTimeout: {
                        throw Refusal(status: .serviceUnavailable, reason: "the request took longer than 4 s")
                    }
                )
            )
        } catch let refusal as Refusal {
            outcome = .failure(refusal)
        } catch {
            outcome = .failure(Refusal(status: .serviceUnavailable, reason: "the request was cut off"))
        }
        switch outcome {
        case .success:
            return Response(status: .noContent)
        case .failure(let refusal):
            note(refusal)
            let body = "{\"code\":\"FAIL\",\"message\":\"\(refusal.status.code) refused\"}"
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: refusal.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    struct Refusal: Error {
        var status: HTTPResponse.Status
        var reason: String
    }

    /// Verifies, decrypts, attributes and records one notification.
    private func handle(headers: HTTPFields, body: Data) async throws -> String {
        guard let platform = await runner.platforms[.wechatPayscore] as? WeChatPayPlatform,
            let keyFile = platform.client.account.apiV3KeyFile
        else {
            throw Refusal(
                status: .serviceUnavailable,
                reason: "platform.wechatpay with apiv3_key_file is not configured"
            )
        }
        let client = platform.client
        func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name.canonicalName == lower }?.value
        }
        let now = clock.now()
        let verifier: WeChatPayVerifier
        let apiV3Key: String
        do {
            verifier = try await client.keys.verifier(for: header("Wechatpay-Serial"), now: now) { key in
                try await client.downloadCertificates(apiV3Key: key)
            }
            apiV3Key = try SecretFile.platformCredential(
                keyFile,
                kind: .apiV3Key,
                setting: "platform.wechatpay.apiv3_key_file"
            )
        } catch {
            throw Refusal(status: .serviceUnavailable, reason: "cannot verify callbacks now: \(error)")
        }
        let outcome = PayScoreCallbackReader.read(
            header: header,
            body: body,
            verifier: verifier,
            apiV3Key: apiV3Key,
            now: now
        )
        switch outcome {
        case .refused(let reason):
            throw Refusal(status: .unauthorized, reason: reason)
        case .other(let id, let event):
            try await record(id: id, event: event, effect: .ignored)
            return id
        case .service(let id, let event, let payload):
            let effect = try await effect(event: event, payload: payload, merchantID: client.account.merchantID)
            try await record(id: id, event: event, effect: effect)
            return id
        }
    }

    private func effect(
        event: String,
        payload: PayScoreServiceEvent,
        merchantID: String
    ) async throws
        -> Engine.CallbackEffect
    {
        let reference = String(
            (payload.openid ?? payload.authorization_code ?? payload.out_request_no ?? "").prefix(64)
        )
        guard !reference.isEmpty else {
            throw Refusal(status: .badRequest, reason: "the event names no user (openid or authorization_code)")
        }
        if event == PayScoreCallbackReader.closeEvent { return .closed(reference: reference) }
        guard event == PayScoreCallbackReader.openEvent else { return .ignored }
        guard let time = PayScoreCallbackReader.time(payload.openorclose_time) else {
            throw Refusal(status: .badRequest, reason: "openorclose_time is not yyyyMMddHHmmss")
        }
        let owner = try await engine.callbackOwner(payload, merchantID: merchantID)
        guard let cutover = owner.cutover, time >= cutover else { return .openedBeforeCutover }
        let request = payload.out_request_no.map { " (out_request_no \(String($0.prefix(64))))" } ?? ""
        let key: UserAuthorization.Key? =
            if let code = payload.authorization_code, !code.isEmpty {
                .authorizationCode(String(code.prefix(64)))
            } else if let openid = payload.openid, !openid.isEmpty {
                .openID(String(openid.prefix(64)))
            } else {
                nil
            }
        // Kept where a store is known (the terminal's or the store's), so a plan's confirm-unbind ends it too.
        let authorization =
            owner.scope != .merchant && !owner.store.isEmpty
            ? key.map { UserAuthorization(provider: .wechatPayscore, store: owner.store, key: $0) }
                .flatMap { $0.problem() == nil ? $0 : nil } : nil
        return .opened(
            EvidenceSighting(
                source: .callback,
                provider: .wechatPayscore,
                scope: owner.scope,
                subject: owner.subject,
                store: owner.store,
                reference: reference,
                time: time,
                detail: "USER_OPEN_SERVICE\(request)"
            ),
            authorization: authorization
        )
    }

    private func record(id: String, event: String, effect: Engine.CallbackEffect) async throws {
        let fresh: Bool
        do {
            fresh = try await engine.recordCallback(id: id, event: event, effect: effect)
        } catch {
            throw Refusal(status: .serviceUnavailable, reason: "cannot store the notification: \(error)")
        }
        counts.withLock { counts in
            if fresh { counts.accepted += 1 } else { counts.duplicates += 1 }
        }
    }

    private func note(_ refusal: Refusal) {
        let reason = String(refusal.reason.prefix(300))
        let total = counts.withLock { counts -> Int in
            counts.refused += 1
            counts.lastRefusal = reason
            return counts.refused
        }
        let now = clock.now()
        let due = lastLogged.withLock { last -> Bool in
            guard now.timeIntervalSince(last) >= 10 else { return false }
            last = now
            return true
        }
        guard due else { return }
        logger.warning(
            "refused a WeChat Pay callback (\(refusal.status.code)): \(reason); \(total) refused so far",
            metadata: ["CALLBACK_REFUSED": "\(total)", "CALLBACK_ERROR": "\(reason)"]
        )
    }
}
