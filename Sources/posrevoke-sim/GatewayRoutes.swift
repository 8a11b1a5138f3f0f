import Foundation
import PosrevokeCore
import PosrevokeSimulation

/// The optional gateway batch endpoint, at `/g/{gateway}/v1/gateway/transactions`: any gateway name answers for
/// any of the simulation's terminals, so a benchmark can spread a fleet over many gateways on one port.
extension AgentRoutes {
    /// The most transactions one answer carries, shared among its terminals: it keeps the answer well within the
    /// protocol's 1 MiB (a transaction is about 250 bytes on the wire).
    static let gatewayAnswerBudget = 3000

    func gateway(method: String, rest: [String], body: Data, now: Date) -> SimReply {
        guard rest == ["v1", "gateway", "transactions"] else {
            return Self.failure(404, "not_found", "no such resource: /\(rest.joined(separator: "/"))")
        }
        guard method == "POST" else { return Self.failure(404, "not_found", "the batch is POST only") }
        let request: AgentWire.GatewayRequest
        do {
            request = try SimRouter.decode(AgentWire.GatewayRequest.self, body)
        } catch {
            return Self.failure(400, "bad_request", "cannot read the body as a gateway request")
        }
        let names = request.terminals.map(\.terminal_id)
        guard Self.limits.contains(request.limit), (1...GatewayConfig.maxTerminalsPerRequest).contains(names.count),
            Set(names).count == names.count, request.terminals.allSatisfy({ $0.after >= 0 })
        else {
            return Self.failure(
                400,
                "bad_request",
                "limit 1…10000, 1 to \(GatewayConfig.maxTerminalsPerRequest) distinct terminals, after >= 0"
            )
        }
        let limit = min(request.limit, max(1, Self.gatewayAnswerBudget / names.count))
        var pages: [AgentWire.GatewayPage] = []
        for cursor in request.terminals {
            do {
                let page = try fleet.transactions(of: cursor.terminal_id, after: cursor.after, limit: limit, now: now)
                pages.append(.init(terminal_id: cursor.terminal_id, page: AgentWire.Transactions(page)))
            } catch {
                // An offline or unknown till: the gateway answers for the others and says why not for this one.
                pages.append(
                    .init(terminal_id: cursor.terminal_id, error: .init(error: "unreachable", message: "\(error)"))
                )
            }
        }
        do {
            return try SimRouter.json(200, AgentWire.GatewayAnswer(terminals: pages))
        } catch {
            return Self.failure(500, "internal", "\(error)")
        }
    }
}
