import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Synchronization

/// Terminal-agent protocol v1 for every simulated terminal, at `/t/{terminal}/v1/...`, answered from the same
/// simulation engine the daemon's in-process driver uses; gateways' batches at `/g/{gateway}/v1/...`.
final class AgentRoutes: Sendable {
    let fleet: SimulatedFleet
    let token: String?
    let faults: [String: [AgentFault]]
    let seed: UInt64
    /// The platform whose open orders the terminals list at `/v1/orders`; without one, that endpoint is a 404.
    let platform: SimulatedPlatform?
    private let counters = Mutex<[String: UInt64]>([:])

    init(fleet: SimulatedFleet, token: String?, faults: [AgentFault], seed: UInt64, platform: SimulatedPlatform?) {
        self.fleet = fleet
        self.token = token
        self.faults = Dictionary(grouping: faults, by: \.terminal)
        self.seed = seed
        self.platform = platform
    }

    func handle(method: String, uri: String, authorization: String?, body: Data, now: Date) -> SimReply {
        let (path, query) = SimRouter.split(uri)
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let isGateway = parts.count >= 2 && parts[0] == "g"
        guard isGateway || (parts.count >= 3 && parts[0] == "t" && parts[2] == "v1") else {
            return Self.failure(404, "not_found", "no such resource: \(path)")
        }
        // One token for every terminal and gateway, checked before anything else is read.
        if let token, authorization != "Bearer \(token)" {
            return Self.failure(401, "unauthorized", "a valid bearer token is required")
        }
        if isGateway { return gateway(method: method, rest: Array(parts.dropFirst(2)), body: body, now: now) }
        let terminal = parts[1]
        let fault = draw(terminal)
        var reply: SimReply
        do {
            reply = try route(method, Array(parts.dropFirst(3)), terminal: terminal, query: query, body: body, now: now)
        } catch is SimulatedFleet.Unreachable {
            // An offline terminal does not answer at all: the connection closes without a reply.
            return SimReply(status: 0, body: Data(), fault: nil)
        } catch let error as RouteError {
            return Self.failure(error.status, error.code, error.message)
        } catch let error as SimRouter.BadRequest {
            return Self.failure(400, "bad_request", error.message)
        } catch {
            return Self.failure(500, "internal", "\(error)")
        }
        reply.fault = fault
        return reply
    }

    struct RouteError: Error {
        var status: Int
        var code: String
        var message: String
    }

    private func route(
        _ method: String,
        _ rest: [String],
        terminal: String,
        query: [String: String],
        body: Data,
        now: Date
    ) throws -> SimReply {
        let route = rest.joined(separator: "/")
        if method == "GET" && route == "status" {
            return try SimRouter.json(200, AgentWire.Status(fleet.status(of: terminal, now: now)))
        }
        if method == "GET" && route == "transactions" {
            let (after, limit) = try Self.cursor(query)
            var page = AgentWire.Transactions(
                try fleet.transactions(of: terminal, after: after, limit: limit, now: now)
            )
            if faults[terminal]?.contains(where: { $0.kind == .seqBackwards }) == true, page.transactions.count >= 2 {
                page.transactions.reverse()
            }
            return try SimRouter.json(200, page)
        }
        if method == "GET" && route == "orders", let platform {
            guard let provider = query["provider"].flatMap(CreditProvider.init(rawValue:)), query["state"] == "open"
            else { throw RouteError(status: 400, code: "bad_request", message: "provider= and state=open") }
            _ = try fleet.status(of: terminal, now: now)
            let orders = try platform.terminalOrders(terminal: terminal, provider: provider, now: now)
            return try SimRouter.json(
                200,
                AgentWire.Orders(
                    orders: orders.map { .init(out_order_no: $0, provider: provider.rawValue, state: "open") }
                )
            )
        }
        if method == "GET" && route == "feedback" {
            let (after, limit) = try Self.cursor(query)
            return try SimRouter.json(
                200,
                AgentWire.Feedback(try fleet.feedback(of: terminal, after: after, limit: limit, now: now))
            )
        }
        if method == "POST", rest.count == 3, rest[0] == "payment-methods", ["disable", "enable"].contains(rest[2]) {
            guard let provider = CreditProvider(rawValue: rest[1]) else {
                throw RouteError(status: 404, code: "unknown_provider", message: "no payment method \(rest[1])")
            }
            let enable = rest[2] == "enable"
            try fleet.setCreditPay(provider, enabled: enable, on: terminal, now: now)
            let entry = try fleet.status(of: terminal, now: now).paymentMethods.first { $0.provider == rest[1] }
            return try SimRouter.json(
                200,
                AgentWire.PaymentMethodEntry(
                    method: "credit-score-pay",
                    provider: rest[1],
                    enabled: entry?.enabled ?? enable
                )
            )
        }
        if method == "POST" && route == "notices" {
            let notice = try SimRouter.decode(AgentWire.Notice.self, body)
            try fleet.showNotice(id: notice.id, text: notice.text, on: terminal, now: now)
            return try SimRouter.json(200, notice)
        }
        if method == "POST" && route == "updates" {
            let request = try SimRouter.decode(AgentWire.UpdateRequest.self, body)
            var providers: [CreditProvider] = []
            for name in request.remove_providers {
                guard let provider = CreditProvider(rawValue: name) else {
                    throw RouteError(status: 400, code: "bad_request", message: "unknown provider \(name)")
                }
                providers.append(provider)
            }
            try fleet.pushUpdate(id: request.id, removing: providers, on: terminal, now: now)
            return try SimRouter.json(202, AgentWire.Update(id: request.id, state: "pending", error: nil))
        }
        if method == "GET", rest.count == 2, rest[0] == "updates" {
            let id = rest[1].removingPercentEncoding ?? rest[1]
            guard let state = try fleet.update(id: id, on: terminal, now: now) else {
                throw RouteError(status: 404, code: "not_found", message: "no update \(id)")
            }
            return try SimRouter.json(200, AgentWire.Update(id: id, state: state.rawValue, error: nil))
        }
        if method == "POST" && route == "selftest" {
            let result = try fleet.selftest(on: terminal, now: now)
            return try SimRouter.json(200, AgentWire.Selftest(ok: result.ok, checks: result.checks))
        }
        throw RouteError(status: 404, code: "not_found", message: "no such resource: \(method) /\(route)")
    }

    /// The fault, if any, that spoils this request: a deterministic draw per terminal and request number.
    private func draw(_ terminal: String) -> AgentFault? {
        guard let list = faults[terminal], !list.isEmpty else { return nil }
        let n = counters.withLock { counters in
            let next = (counters[terminal] ?? 0) &+ 1
            counters[terminal] = next
            return next
        }
        var rng = SplitMix64(seed: seed, stream: "\(terminal)/fault/\(n)")
        return list.first { $0.kind != .seqBackwards && rng.unit() < $0.share }
    }

    /// The `limit`s a page may ask for, per terminal or per terminal of a gateway's batch.
    static let limits = 1...10_000

    private static func cursor(_ query: [String: String]) throws -> (Int64, Int) {
        let after = Int64(query["after"] ?? "0")
        let limit = Int(query["limit"] ?? "100")
        guard let after, let limit, after >= 0, limits.contains(limit) else {
            throw RouteError(status: 400, code: "bad_request", message: "after must be >= 0 and limit 1…10000")
        }
        return (after, limit)
    }

    static func failure(_ status: Int, _ code: String, _ message: String) -> SimReply {
        let body = (try? AgentWire.encoder.encode(AgentWire.Failure(error: code, message: message))) ?? Data()
        return SimReply(status: status, body: body, fault: nil)
    }
}
