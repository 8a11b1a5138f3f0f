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
/// Each call ends on its own: the client's deadline (`timeout`) covers the answer's head, the body is checked
/// against the same deadline at every chunk, and the client's read timeout (`polling.timeout` at start) ends a
/// body that stops coming, so a head just in time followed by silence takes up to twice `timeout`.
struct AgentDriver: TerminalDriver {
    let client: HTTPClient
    let timeout: Duration
    static let maxBody = 1 << 20

    var enforcesTimeouts: Bool { true }

    func status(of terminal: Terminal) async throws -> TerminalStatus {
        let data = try await call(terminal, .GET, "/v1/status")
        return try checked { () throws(AgentProtocolError) in try AgentDecoding.status(data) }
    }

    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
        let data = try await call(terminal, .GET, "/v1/transactions?after=\(cursor)&limit=\(limit)")
        return try checked { () throws(AgentProtocolError) in
            try AgentDecoding.transactions(data, after: cursor, limit: limit, now: Date())
        }
    }

    func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
        let data: Data
        do {
            data = try await call(terminal, .GET, "/v1/feedback?after=\(cursor)&limit=\(limit)")
        } catch DriverError.rejected(let status, _, _) where status == 404 {
            // An agent without a feedback screen: not asked again until the next reload.
            throw DriverError.unsupported("collecting feedback (the agent answers 404)")
        }
        return try checked { () throws(AgentProtocolError) in
            try AgentDecoding.feedback(data, after: cursor, limit: limit, now: Date())
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
    ) async throws
        -> Data
    {
        guard let base = terminal.url else { throw DriverError.unsupported("a terminal without url:") }
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "accept", value: "application/json")
        var token: String?
        if let reference = terminal.tokenFile {
            do {
                token = try SecretFile(reference, kind: .bearerToken).reveal()
            } catch {
                throw DriverError.credential("token_file: \(error.message)")
            }
            token.map { request.headers.add(name: "authorization", value: "Bearer \($0)") }
        }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let answer: BoundedExchange.Answer
        do {
            answer = try await BoundedExchange(client: client, timeout: timeout, maxBody: Self.maxBody).perform(request)
        } catch {
            switch error {
            case .timedOut: throw DriverError.timedOut(timeout)
            case .tooLarge: throw DriverError.protocolViolation("answer larger than 1 MiB")
            case .unreachable(let why): throw DriverError.unreachable("\(base): \(why)")
            }
        }
        let data = answer.body
        guard (200..<300).contains(answer.status) else {
            let failure = try? AgentWire.decoder.decode(AgentWire.Failure.self, from: data)
            // An agent that echoes the token back in its error does not get it into the journal.
            throw DriverError.rejected(
                status: answer.status,
                code: TransportError.redacting(token, in: failure?.error ?? answer.reason),
                message: TransportError.redacting(token, in: failure?.message ?? "")
            )
        }
        return data
    }

    private func checked<T>(_ decode: () throws(AgentProtocolError) -> T) throws -> T {
        do {
            return try decode()
        } catch {
            throw DriverError.protocolViolation(error.description)
        }
    }
}
