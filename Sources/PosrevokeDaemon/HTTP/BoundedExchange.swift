import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One request to an outside party (a terminal agent, a payment platform), bounded the same way for both: one
/// deadline over the whole exchange, body included; at most `maxBody` bytes of answer; and a transport failure in
/// fixed words, never the client's own text (which may quote header values). Callers map `Failure` to their errors.
struct BoundedExchange: Sendable {
    let client: HTTPClient
    let timeout: Duration
    var maxBody = 1 << 20

    struct Answer: Sendable {
        var status: Int
        var reason: String
        var headers: HTTPHeaders
        var body: Data
    }

    enum Failure: Error, Sendable {
        case timedOut
        case tooLarge
        /// Why, from `TransportError.describe`: secret-free.
        case unreachable(String)
    }

    func perform(_ request: HTTPClientRequest) async throws(Failure) -> Answer {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.nanoseconds))
        do {
            let response = try await client.execute(request, deadline: deadline)
            var bytes = ByteBuffer()
            for try await var chunk in response.body {
                guard bytes.readableBytes + chunk.readableBytes <= maxBody else { throw Failure.tooLarge }
                bytes.writeBuffer(&chunk)
                guard NIODeadline.now() < deadline else { throw Failure.timedOut }
            }
            return Answer(
                status: Int(response.status.code),
                reason: response.status.reasonPhrase,
                headers: response.headers,
                body: Data(bytes.readableBytesView)
            )
        } catch {
            throw Self.failure(error)
        }
    }

    /// The same exchange without a Swift task: the answer is collected on one event loop and `completion` runs
    /// there. Polls go this way: at a thousand a second, each hop between threads cost more than the poll's work.
    func start(_ request: HTTPClient.Request, completion: @escaping @Sendable (Result<Answer, Failure>) -> Void) {
        let eventLoop = client.eventLoopGroup.any()
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.nanoseconds))
        let collector = BoundedCollector(eventLoop: eventLoop, maxBody: maxBody, deadline: deadline)
        client.execute(
            request: request,
            delegate: collector,
            eventLoop: .delegate(on: eventLoop),
            deadline: deadline
        ).futureResult.whenComplete { completion($0.mapError(Self.failure)) }
    }

    private static func failure(_ error: any Error) -> Failure {
        switch error {
        case let failure as Failure: return failure
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout: return .timedOut
        default: return .unreachable(TransportError.describe(error))
        }
    }
}

extension HTTPClient {
    /// The daemon's HTTP clients: pooled keep-alive connections, a 3 s connect timeout, no redirects, and
    /// `readTimeout` to end an answer that stops arriving. Agents share one (a connection per terminal); the
    /// platform adapters have their own, for few calls that may be slow.
    static func bounded(readTimeout: Duration, maxConnectionsPerHost: Int = 8) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .nanoseconds(Int64(readTimeout.nanoseconds)))
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost
        )
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
