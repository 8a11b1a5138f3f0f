import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PosrevokeCore

/// Serves `SimRouter` over HTTP/1.1 with keep-alive, and plays each reply's fault on the wire.
struct SimServer: Sendable {
    let routes: SimRouter
    /// Request bodies larger than this are refused with 413.
    static let maxRequestBody = 1 << 20

    /// Binds, calls `ready` with the bound address, and serves until the task is cancelled.
    func run(host: String, port: Int, ready: @Sendable (SocketAddress) -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        if let address = server.channel.localAddress { ready(address) }
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.clear()
                    tooLarge = false
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes <= Self.maxRequestBody {
                        body.writeBuffer(&chunk)
                    } else {
                        tooLarge = true
                    }
                case .end:
                    guard let request = head else { continue }
                    let reply =
                        tooLarge
                        ? AgentRoutes.failure(413, "too_large", "request body over 1 MiB")
                        : routes.handle(
                            method: request.method.rawValue,
                            uri: request.uri,
                            authorization: request.headers.first(name: "authorization"),
                            signature: request.headers.first(name: "signature"),
                            wechatpaySerial: request.headers.first(name: "wechatpay-serial"),
                            body: Data(body.readableBytesView),
                            now: Date()
                        )
                    guard try await send(reply, keepAlive: request.isKeepAlive, outbound) else { return }
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    /// Writes one reply, spoiled by its fault if it has one; false when the connection must now close.
    private func send(
        _ reply: SimReply,
        keepAlive: Bool,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        guard reply.status != 0 else { return false }
        var status = reply.status
        var body = reply.body
        let delay = reply.fault?.delay ?? .zero
        switch reply.fault?.kind {
        case .latency?:
            try await Task.sleep(for: delay)
        case .hang?:
            try await Task.sleep(for: .seconds(60))
            return false
        case .serverError?:
            status = 500
            body = Data(#"{"error":"SYSTEM_ERROR","message":"simulated server error"}"#.utf8)
        case .malformedJSON?:
            body = Data(#"{"transactions": [ {"seq": 1, "id": "#.utf8)
        case .oversized?:
            body = Data(repeating: 0x20, count: 2 << 20)
            body.append(contentsOf: Array("{}".utf8))
        default:
            break
        }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: reply.contentType)
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: status),
            headers: headers
        )
        try await outbound.write(.head(head))
        switch reply.fault?.kind {
        case .reset?:
            // Half the body, then the connection goes away.
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body.prefix(body.count / 2)))))
            return false
        case .slowDrip?:
            for start in stride(from: 0, to: body.count, by: 16) {
                try await outbound.write(
                    .body(.byteBuffer(ByteBuffer(bytes: body[start..<min(start + 16, body.count)])))
                )
                try await Task.sleep(for: delay)
            }
        default:
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        }
        try await outbound.write(.end(nil))
        return true
    }
}
