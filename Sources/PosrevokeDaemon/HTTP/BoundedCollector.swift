import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Collects one answer for `BoundedExchange.start` on the event loop it was made for: at most `maxBody` bytes, and
/// the exchange's deadline checked at every chunk. Its state is loop-bound, so the compiler needs no promise.
final class BoundedCollector: HTTPClientResponseDelegate {
    typealias Response = BoundedExchange.Answer

    private struct State {
        var head: HTTPResponseHead?
        var body = ByteBuffer()
    }

    private let state: NIOLoopBoundBox<State>
    private let maxBody: Int
    private let deadline: NIODeadline

    init(eventLoop: any EventLoop, maxBody: Int, deadline: NIODeadline) {
        state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
        self.maxBody = maxBody
        self.deadline = deadline
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.value.head = head
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard state.value.body.readableBytes + buffer.readableBytes <= maxBody else {
            return task.eventLoop.makeFailedFuture(BoundedExchange.Failure.tooLarge)
        }
        var buffer = buffer
        state.value.body.writeBuffer(&buffer)
        guard NIODeadline.now() < deadline else {
            return task.eventLoop.makeFailedFuture(BoundedExchange.Failure.timedOut)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        guard let head = state.value.head else { throw BoundedExchange.Failure.unreachable("no answer") }
        return BoundedExchange.Answer(
            status: Int(head.status.code),
            reason: head.status.reasonPhrase,
            headers: head.headers,
            body: Data(state.value.body.readableBytesView)
        )
    }
}
