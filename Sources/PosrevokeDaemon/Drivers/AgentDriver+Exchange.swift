import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PosrevokeCore

/// How every agent and gateway call is made: the bearer token read at each call, one bounded exchange, and the
/// answer's status and error mapped to a `DriverError` with the token redacted.
extension AgentDriver {
    /// One request; a 2xx body comes back, anything else becomes a `DriverError` that says what happened.
    func call(
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
    func start(
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
    func start(
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
    func exchange(
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

    func checked<T>(_ decode: () throws(AgentProtocolError) -> T) throws(DriverError) -> T {
        try Self.checked(decode).get()
    }

    static func checked<T>(_ decode: () throws(AgentProtocolError) -> T) -> Result<T, DriverError> {
        do {
            return .success(try decode())
        } catch {
            return .failure(.protocolViolation(error.description))
        }
    }
}
