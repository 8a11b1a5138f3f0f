import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PosrevokeCore

/// The optional gateway batch of terminal-agent protocol v1: one request for the new transactions of many terminals.
extension AgentDriver {
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
}
