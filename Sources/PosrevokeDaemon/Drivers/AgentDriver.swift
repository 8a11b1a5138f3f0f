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
}
