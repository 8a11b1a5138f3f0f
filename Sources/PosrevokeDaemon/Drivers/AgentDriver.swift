import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PosrevokeCore

/// `driver: agent`: terminals (or store gateways) answering terminal-agent protocol v1 over HTTP(S).
///
/// One pooled HTTP client for every terminal; each answer is read up to 1 MiB and never buffered beyond it;
/// every body is checked by `AgentDecoding`, so a misbehaving agent is an error for its terminal, never a crash.
///
/// Each call ends on its own within `timeout`: the client schedules its deadline over the whole exchange, body
/// included, and cancels it there. The collector checks the same deadline at every chunk as well, so a body that
/// keeps dripping is refused at the first chunk past it even before the client's timer fires.
struct AgentDriver: TasklessPolling {
    let client: HTTPClient
    let timeout: Duration
    static let maxBody = 1 << 20

    var enforcesTimeouts: Bool { true }

    func status(of terminal: Terminal) async throws -> TerminalStatus {
        let data = try await call(terminal, .GET, "/v1/status")
        return try checked { () throws(AgentProtocolError) in try AgentDecoding.status(data) }
    }

    func transactions(
        of terminal: Terminal,
        after cursor: Int64,
        limit: Int,
        completion: @escaping @Sendable (Result<TransactionPage, DriverError>) -> Void
    ) {
        start(terminal, .GET, "/v1/transactions?after=\(cursor)&limit=\(limit)") { answer in
            completion(
                answer.flatMap { data in
                    Self.checked { () throws(AgentProtocolError) in
                        try AgentDecoding.transactions(data, after: cursor, limit: limit, now: Date())
                    }
                }
            )
        }
    }

    func feedback(
        of terminal: Terminal,
        after cursor: Int64,
        limit: Int,
        completion: @escaping @Sendable (Result<FeedbackPage, DriverError>) -> Void
    ) {
        start(terminal, .GET, "/v1/feedback?after=\(cursor)&limit=\(limit)") { answer in
            switch answer {
            case .failure(.rejected(let status, _, _)) where status == 404:
                // An agent without a feedback screen: not asked again until the next reload.
                completion(.failure(.unsupported("collecting feedback (the agent answers 404)")))
            default:
                completion(
                    answer.flatMap { data in
                        Self.checked { () throws(AgentProtocolError) in
                            try AgentDecoding.feedback(data, after: cursor, limit: limit, now: Date())
                        }
                    }
                )
            }
        }
    }

    /// The optional gateway batch: the new transactions of `cursors`' terminals (id → cursor) in one request to
    /// `gateway`, each checked as its own page would be. `completion` runs on the event loop the answer came on.
    func transactions(
        from gateway: GatewayConfig,
        cursors: [String: Int64],
        limit: Int,
        completion: @escaping @Sendable (Result<[String: GatewayOutcome], DriverError>) -> Void
    ) {
        let request = AgentWire.GatewayRequest(
            limit: limit,
            terminals: cursors.map { .init(terminal_id: $0.key, after: $0.value) }
        )
        let body: Data
        do {
            body = try AgentWire.encoder.encode(request)
        } catch {
            return completion(.failure(.protocolViolation("cannot encode the gateway request: \(error)")))
        }
        exchange(base: gateway.url, tokenFile: gateway.tokenFile, .POST, "/v1/gateway/transactions", body: body) {
            answer,
            secret in
            let outcomes = answer.flatMap { data in
                Self.checked { () throws(AgentProtocolError) in
                    try AgentDecoding.gatewayTransactions(data, asked: cursors, limit: limit, now: Date())
                }
            }
            CallCounts.gateways.note(gateway.name, Self.outcome(outcomes))
            // A gateway that echoes its token in a terminal's error does not get it into the journal either.
            completion(
                outcomes.map { outcomes in
                    outcomes.mapValues { outcome in
                        guard case .refused(let code, let message) = outcome else { return outcome }
                        return .refused(
                            code: TransportError.redacting(secret, in: code),
                            message: TransportError.redacting(secret, in: message)
                        )
                    }
                }
            )
        }
    }

    /// A gateway request's outcome for `/metrics`: `ok` (the answer was taken, whatever it said of each terminal),
    /// `refused` (4xx), `failed` (5xx), `invalid` (refused whole), `credential` (its token file cannot be used)
    /// or `unreachable` (no connection, or no answer in time).
    private static func outcome<T>(_ result: Result<T, DriverError>) -> String {
        switch result {
        case .success: return "ok"
        case .failure(.rejected(let status, _, _)): return status < 500 ? "refused" : "failed"
        case .failure(.protocolViolation): return "invalid"
        case .failure(.credential): return "credential"
        case .failure: return "unreachable"
        }
    }

    func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
        let verb = enabled ? "enable" : "disable"
        let data = try await call(terminal, .POST, "/v1/payment-methods/\(provider.rawValue)/\(verb)")
        let entry = try checked { () throws(AgentProtocolError) in
            try AgentDecoding.decode(AgentWire.PaymentMethodEntry.self, from: data)
        }
        guard entry.enabled == enabled else {
            throw DriverError.protocolViolation(
                "\(verb) answered with the method still \(entry.enabled ? "on" : "off")"
            )
        }
    }

    func showNotice(id: String, text: String, on terminal: Terminal) async throws {
        let now = Date()
        let notice = AgentWire.Notice(id: id, text: text, from: now, until: now.addingTimeInterval(30 * 86400))
        _ = try await call(terminal, .POST, "/v1/notices", body: try AgentWire.encoder.encode(notice))
    }

    func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {
        let request = AgentWire.UpdateRequest(id: id, remove_providers: providers.map(\.rawValue))
        _ = try await call(terminal, .POST, "/v1/updates", body: try AgentWire.encoder.encode(request))
    }

    func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
        do {
            let data = try await call(terminal, .GET, "/v1/updates/\(escaped)")
            let update = try checked { () throws(AgentProtocolError) in
                try AgentDecoding.decode(AgentWire.Update.self, from: data)
            }
            guard ["pending", "applying", "done", "failed"].contains(update.state) else {
                throw DriverError.protocolViolation(
                    "update state '\(update.state)' is not pending, applying, done or failed"
                )
            }
            return (update.state, update.error)
        } catch DriverError.rejected(let status, _, _) where status == 404 {
            return nil
        }
    }

    func selftest(on terminal: Terminal) async throws -> SelftestResult {
        let data = try await call(terminal, .POST, "/v1/selftest")
        let result = try checked { () throws(AgentProtocolError) in
            try AgentDecoding.decode(AgentWire.Selftest.self, from: data)
        }
        return SelftestResult(
            ok: result.ok,
            checks: result.checks.map { .init(name: $0.name, ok: $0.ok, detail: $0.detail) }
        )
    }

    func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]? {
        let data: Data
        do {
            data = try await call(terminal, .GET, "/v1/orders?provider=\(provider.rawValue)&state=open")
        } catch DriverError.rejected(let status, _, _) where status == 404 {
            return nil
        }
        return try checked { () throws(AgentProtocolError) in try AgentDecoding.openOrders(data, provider: provider) }
    }

    /// One request; a 2xx body comes back, anything else becomes a `DriverError` that says what happened.
    private func call(
        _ terminal: Terminal,
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil
    ) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            start(terminal, method, path, body: body) { continuation.resume(with: $0) }
        }
    }

    /// `call` without a task: `completion` runs on the event loop the answer arrived on.
    private func start(
        _ terminal: Terminal,
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        completion: @escaping @Sendable (Result<Data, DriverError>) -> Void
    ) {
        guard let base = terminal.url else { return completion(.failure(.unsupported("a terminal without url:"))) }
        start(base: base, tokenFile: terminal.tokenFile, method, path, body: body, completion: completion)
    }

    /// One request to an agent or a gateway at `base`, with the bearer token from `tokenFile` if there is one.
    private func start(
        base: String,
        tokenFile: String?,
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        completion: @escaping @Sendable (Result<Data, DriverError>) -> Void
    ) {
        exchange(base: base, tokenFile: tokenFile, method, path, body: body) { answer, _ in completion(answer) }
    }

    /// `start`, whose `completion` also gets the token sent, so what a 2xx body quotes of it can be redacted.
    private func exchange(
        base: String,
        tokenFile: String?,
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        completion: @escaping @Sendable (Result<Data, DriverError>, _ secret: String?) -> Void
    ) {
        var headers = HTTPHeaders([("accept", "application/json")])
        let secret: String?
        switch Self.token(tokenFile) {
        case .success(let token): secret = token
        case .failure(let error): return completion(.failure(error), nil)
        }
        secret.map { headers.add(name: "authorization", value: "Bearer \($0)") }
        if body != nil { headers.add(name: "content-type", value: "application/json") }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: base + path,
                method: method,
                headers: headers,
                body: body.map { .bytes($0) }
            )
        } catch {
            return completion(.failure(.unreachable("\(base): not a URL the HTTP client takes")), secret)
        }
        let timeout = self.timeout
        BoundedExchange(client: client, timeout: timeout, maxBody: Self.maxBody).start(request) { outcome in
            switch outcome {
            case .failure(.timedOut): completion(.failure(.timedOut(timeout)), secret)
            case .failure(.tooLarge): completion(.failure(.protocolViolation("answer larger than 1 MiB")), secret)
            case .failure(.unreachable(let why)): completion(.failure(.unreachable("\(base): \(why)")), secret)
            case .success(let answer) where (200..<300).contains(answer.status):
                completion(.success(answer.body), secret)
            case .success(let answer):
                let failure = try? AgentWire.decoder.decode(AgentWire.Failure.self, from: answer.body)
                // An agent that echoes the token back in its error does not get it into the journal.
                completion(
                    .failure(
                        .rejected(
                            status: answer.status,
                            code: TransportError.redacting(secret, in: failure?.error ?? answer.reason),
                            message: TransportError.redacting(secret, in: failure?.message ?? "")
                        )
                    ),
                    secret
                )
            }
        }
    }

    /// The bearer token, read from its credential file at each call so a rotated file takes effect.
    private static func token(_ reference: String?) -> Result<String?, DriverError> {
        guard let reference else { return .success(nil) }
        do {
            return .success(try SecretFile(reference, kind: .bearerToken).reveal())
        } catch {
            return .failure(.credential("token_file: \(error.message)"))
        }
    }

    private func checked<T>(_ decode: () throws(AgentProtocolError) -> T) throws(DriverError) -> T {
        try Self.checked(decode).get()
    }

    private static func checked<T>(_ decode: () throws(AgentProtocolError) -> T) -> Result<T, DriverError> {
        do {
            return .success(try decode())
        } catch {
            return .failure(.protocolViolation(error.description))
        }
    }
}
