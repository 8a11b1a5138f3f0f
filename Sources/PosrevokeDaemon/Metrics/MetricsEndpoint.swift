import Dispatch
import Hummingbird
import NIOCore

/// `metrics.listen`: `GET /metrics` in the Prometheus text format. Scrapes are answered one at a time on their own
/// queue (each reads the loop, the engine and the job runner) and within 4 s; anything else is 404.
struct MetricsEndpoint: Sendable {
    static let path = "/metrics"
    static let deadline: Duration = .seconds(4)
    let listener: HTTPListener
    let metrics: DaemonMetrics
    /// Reads the daemon's parts; called on `queue`.
    let snapshot: @Sendable () -> MetricsSnapshot
    private let queue = DispatchQueue(label: "posrevoke.metrics")

    init(listener: HTTPListener, metrics: DaemonMetrics, snapshot: @escaping @Sendable () -> MetricsSnapshot) {
        var listener = listener
        // Prometheus keeps one connection per target; a few more leave room for a person with curl.
        listener.maxConnections = 8
        self.listener = listener
        self.metrics = metrics
        self.snapshot = snapshot
    }

    func run() async throws {
        let router = Router()
        router.get(RouterPath(Self.path)) { _, _ -> Response in
            do {
                let text = try await withDeadline(Self.deadline, { await scrape() }, onTimeout: { throw Late() })
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
            } catch {
                return Response(status: .serviceUnavailable)
            }
        }
        try await listener.run(router)
    }

    private struct Late: Error {}

    private func scrape() async -> [UInt8] {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: metrics.exposition(snapshot())) }
        }
    }
}
