public import Foundation
import PosrevokeCore

/// The request path of the simulated PAXSTORE: the rate limit first (every request counts), then the lockout,
/// the signature, the injected faults (only on requests that would otherwise be served), and the endpoint.
extension SimulatedPaxstore {
    /// Answers one request. `uri` is the path below the API root with its query (`/v1/3rdsys/terminal?...`),
    /// `signature` the `signature` header. `GET /_stats` answers the stats, unsigned and uncounted.
    public func handle(method: String, uri: String, signature: String?, body: Data, now: Date) -> Reply {
        let (path, rawQuery) = Self.split(uri)
        if method == "GET", path == "/_stats" {
            return Reply(status: 200, body: Data(statsJSON(now: now).utf8), headers: [])
        }
        let parameters = Self.parameters(rawQuery)
        return world.withLock { world in
            world.settle(now: now, fleet: fleet)
            world.stats.requests += 1
            let number = world.stats.requests
            let window = world.gate.count(now: now, window: settings.rateWindow.seconds)
            world.stats.maxRequestsInAWindow = max(world.stats.maxRequestsInAWindow, window.count)
            let headers = [
                (name: "X-RateLimit-Limit", value: String(settings.rateLimit)),
                (name: "X-RateLimit-Remaining", value: String(max(0, settings.rateLimit - window.count))),
                (name: "X-RateLimit-Reset", value: String(PaxstoreGate.milliseconds(window.ends))),
            ]
            let refusal: PaxstoreRefusal
            if window.count > settings.rateLimit {
                world.stats.overLimit += 1
                refusal = Self.tooManyRequests
            } else if world.gate.isLocked(now: now) {
                world.stats.lockedRefusals += 1
                refusal = PaxstoreRefusal(status: 401, code: 129, message: "the key is locked")
            } else if !PaxstoreGate.authenticates(
                rawQuery: rawQuery,
                parameters: parameters,
                signature: signature,
                key: accessKey,
                secret: secret,
                now: now
            ) {
                world.stats.authFailures += 1
                world.gate.failed(now: now)
                refusal = PaxstoreRefusal(status: 401, code: 129, message: "Authentication failed")
            } else if let fault = fault(number) {
                if fault.status == 429 { world.stats.injectedThrottles += 1 } else { world.stats.serverErrors += 1 }
                refusal = fault
            } else {
                var reply: Reply
                do throws(PaxstoreRefusal) {
                    let answer = try world.route(
                        method: method,
                        path: path,
                        query: parameters,
                        body: body,
                        now: now,
                        fleet: fleet
                    )
                    reply = Reply(status: 200, body: answer, headers: headers)
                } catch {
                    reply = Self.reply(error, headers: headers)
                }
                if method == "POST", draw("paxstore-lost/\(number)") < settings.lostAnswerShare {
                    world.stats.lost += 1
                    reply = Reply(status: 0, body: Data(), headers: [])
                }
                return reply
            }
            return Self.reply(refusal, headers: headers)
        }
    }

    static let tooManyRequests = PaxstoreRefusal(status: 429, code: 429, message: "Too many requests")

    /// The injected 429 or 500 for the `number`th request, drawn from the seed: the same run, the same faults.
    private func fault(_ number: Int) -> PaxstoreRefusal? {
        guard settings.throttleShare > 0 || settings.serverErrorShare > 0 else { return nil }
        let value = draw("paxstore-fault/\(number)")
        if value < settings.throttleShare { return Self.tooManyRequests }
        if value < settings.throttleShare + settings.serverErrorShare {
            return PaxstoreRefusal(status: 500, code: 500, message: "simulated server error")
        }
        return nil
    }

    private func draw(_ name: String) -> Double { SimulatedPlatform.draw(seed, name) }

    static func reply(_ refusal: PaxstoreRefusal, headers: [(name: String, value: String)]) -> Reply {
        let body = PaxstoreFailureBody(businessCode: refusal.code, message: refusal.message)
        return Reply(status: refusal.status, body: PaxstoreJSON.data(body), headers: headers)
    }

    /// The path and the raw query, exactly as received: the signature is over that text.
    static func split(_ uri: String) -> (path: String, query: String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }

    /// The percent-decoded query parameters; a pair without a name is ignored, a repeated name keeps its last value.
    static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let name = parts.first, !name.isEmpty else { continue }
            let value = parts.dropFirst().first ?? ""
            result[name.removingPercentEncoding ?? name] = value.removingPercentEncoding ?? value
        }
        return result
    }
}
