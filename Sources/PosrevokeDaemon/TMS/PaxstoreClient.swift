import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PosrevokeCore
import Synchronization

/// One PAXSTORE access key: signs every request as the SDKs do, keeps the key inside its rate limit, and stops
/// using it at the first authentication failure, before twenty of them lock it for half an hour.
///
/// The budget belongs to the key, not to one client: it lives in `limits`, shared by every client of the same key
/// for the life of the process, so a reload does not hand out a fresh budget. A reload does lift a stop
/// (`resumeAll`: the operator fixed the key).
struct PaxstoreClient: Sendable {
    let account: PaxstoreAccount
    let client: HTTPClient
    let timeout: Duration
    var now: @Sendable () -> Date = { Date() }
    /// A wait for budget up to this long is slept through; a longer one ends the call, and the step retries later.
    static let longestWait: TimeInterval = 5
    static let maxBody = 1 << 20
    private static let limits = Mutex<[String: PaxstoreRateLimit]>([:])

    init(account: PaxstoreAccount, client: HTTPClient, timeout: Duration) {
        self.account = account
        self.client = client
        self.timeout = timeout
        Self.limits.withLock { limits in
            var limit = PaxstoreRateLimit(limit: account.rateLimit, window: account.rateWindow)
            if let kept = limits[account.apiKey], kept.limit <= account.rateLimit, kept.window == limit.window {
                limit = kept
            }
            limits[account.apiKey] = limit
        }
    }

    /// A reload: keys stopped by an authentication failure may be tried again.
    static func resumeAll() {
        limits.withLock { limits in
            for key in limits.keys { limits[key]?.resume() }
        }
    }

    /// The key's budget as it stands, for tests and status.
    var rateLimit: PaxstoreRateLimit? { Self.limits.withLock { $0[account.apiKey] } }

    /// One signed call to `/v1/3rdsys{path}`; the answer's meaning and body, or a `DriverError` saying why not.
    func call(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        body: (any Encodable & Sendable)? = nil
    ) async throws -> (PaxstoreAnswer, Data) {
        let secret: String
        do {
            secret = try SecretFile(account.apiSecretFile, kind: .signingKey).reveal()
        } catch {
            throw DriverError.credential("tms.paxstore.api_secret_file: \(error.message)")
        }
        try await admit()
        let signedQuery = PaxstoreSigning.query(
            query,
            key: account.apiKey,
            timestamp: Int64(now().timeIntervalSince1970 * 1000)
        )
        var request = HTTPClientRequest(url: "\(account.baseURL)/v1/3rdsys\(path)?\(signedQuery)")
        request.method = method
        request.headers.add(name: "accept", value: "application/json")
        request.headers.add(name: "signature", value: PaxstoreSigning.signature(query: signedQuery, secret: secret))
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            do {
                request.body = .bytes(ByteBuffer(bytes: try PaxstoreWire.encoder.encode(body)))
            } catch {
                settle(throttled: false, headers: nil)
                throw DriverError.protocolViolation("cannot encode the request: \(error)")
            }
        }
        let answer: BoundedExchange.Answer
        do {
            answer = try await BoundedExchange(client: client, timeout: timeout, maxBody: Self.maxBody).perform(request)
        } catch {
            settle(throttled: false, headers: nil)
            CallCounts.tms.note("paxstore", "unreachable")
            switch error {
            case .timedOut: throw DriverError.timedOut(timeout)
            case .tooLarge: throw DriverError.protocolViolation("PAXSTORE answer larger than 1 MiB")
            case .unreachable(let why): throw DriverError.unreachable("PAXSTORE \(account.baseURL): \(why)")
            }
        }
        let meaning = PaxstoreAnswer.classify(status: answer.status, body: answer.body)
        switch meaning {
        case .authenticationFailed(let message):
            CallCounts.tms.note("paxstore", "auth_failed")
            let reason =
                "PAXSTORE refused the key (129 \(message)): check tms.paxstore.api_key and api_secret_file. "
                + "Calls with this key are stopped until the config is reloaded, so that it is not locked "
                + "(20 failures in 30 minutes lock it for 30 minutes)"
            Self.limits.withLock { $0[account.apiKey]?.authenticationFailed(reason) }
            throw DriverError.permanent(reason)
        case .throttled:
            CallCounts.tms.note("paxstore", "throttled")
            settle(throttled: true, headers: answer.headers)
            let until = rateLimit?.windowEnds ?? now().addingTimeInterval(60)
            throw DriverError.throttled(
                "PAXSTORE answered 429: over the key's rate limit",
                retryAfter: .seconds(max(1, until.timeIntervalSince(now())))
            )
        case .transient(let why):
            CallCounts.tms.note("paxstore", "failed")
            settle(throttled: false, headers: answer.headers)
            throw DriverError.rejected(status: answer.status, code: "PAXSTORE", message: why)
        case .ok, .alreadyPushed, .notInstalled:
            CallCounts.tms.note("paxstore", "ok")
        case .terminalNotFound, .refused:
            CallCounts.tms.note("paxstore", "refused")
        }
        settle(throttled: false, headers: answer.headers)
        return (meaning, answer.body)
    }

    /// Waits for budget, briefly; longer waits become a throttled error with the time to come back.
    private func admit() async throws {
        while true {
            let admission = Self.limits.withLock { limits in
                limits[account.apiKey]?.admit(now: now()) ?? .send
            }
            switch admission {
            case .send: return
            case .stopped(let reason): throw DriverError.permanent(reason)
            case .wait(let until):
                let wait = until.timeIntervalSince(now())
                guard wait <= Self.longestWait else {
                    throw DriverError.throttled(
                        "the PAXSTORE key's budget for this window is spent",
                        retryAfter: .seconds(wait)
                    )
                }
                try await Task.sleep(for: .seconds(max(0.05, wait)))
            }
        }
    }

    private func settle(throttled: Bool, headers: HTTPHeaders?) {
        let limit = headers?.first(name: "X-RateLimit-Limit").flatMap { Int($0) }
        let left = headers?.first(name: "X-RateLimit-Remaining").flatMap { Int($0) }
        let reset = headers?.first(name: "X-RateLimit-Reset").flatMap { Int64($0) }
            .flatMap { $0 > 0 && $0 < 1 << 45 ? Date(timeIntervalSince1970: Double($0) / 1000) : nil }
        let time = now()
        Self.limits.withLock {
            $0[account.apiKey]?.answered(now: time, throttled: throttled, limit: limit, left: left, reset: reset)
        }
    }

    /// The `data` of an ok answer, decoded; any other answer is an error in the TMS's words.
    func data<T: Decodable & Sendable>(_ type: T.Type, _ answer: (PaxstoreAnswer, Data)) throws -> T? {
        try requireOK(answer.0)
        do {
            return try PaxstoreWire.decoder.decode(PaxstoreWire.DataEnvelope<T>.self, from: answer.1).data
        } catch {
            throw DriverError.protocolViolation("PAXSTORE answer: \(PaxstoreAnswer.clean(["\(error)"]))")
        }
    }

    /// The rows of an ok page answer.
    func page<T: Decodable & Sendable>(_ type: T.Type, _ answer: (PaxstoreAnswer, Data)) throws -> PaxstoreWire.Page<T>
    {
        try requireOK(answer.0)
        do {
            guard let page = try PaxstoreWire.decoder.decode(PaxstoreWire.PageEnvelope<T>.self, from: answer.1).pageInfo
            else { throw DriverError.protocolViolation("PAXSTORE page answer without pageInfo") }
            return page
        } catch let error as DriverError {
            throw error
        } catch {
            throw DriverError.protocolViolation("PAXSTORE answer: \(PaxstoreAnswer.clean(["\(error)"]))")
        }
    }

    func requireOK(_ meaning: PaxstoreAnswer) throws {
        switch meaning {
        case .ok: return
        case .terminalNotFound(let message):
            throw DriverError.permanent(
                "PAXSTORE does not know the terminal (\(message)): check its serial_no"
            )
        case .refused(let code, let message): throw DriverError.permanent("PAXSTORE refused it (\(code) \(message))")
        case .alreadyPushed(let code): throw DriverError.permanent("PAXSTORE answered \(code) where no push was made")
        case .notInstalled: throw DriverError.permanent("PAXSTORE: the app is not installed (2037)")
        case .authenticationFailed(let why), .transient(let why): throw DriverError.unreachable(why)
        case .throttled: throw DriverError.throttled("PAXSTORE answered 429", retryAfter: .seconds(60))
        }
    }
}
