import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The daemon's HTTP listeners (the platform's callbacks, `/metrics`): each one Hummingbird server on its
/// `host:port`, with a cap on connections and idle connections closed. Request bodies and deadlines are each
/// route's own, since a scrape and a callback need different ones.
struct HTTPListener: Sendable {
    let host: String
    let port: Int
    /// What it serves, for its log line: "WeChat Pay callbacks", "metrics".
    let name: String
    var maxConnections = 64
    var idleTimeout: TimeAmount = .seconds(10)
    let logger: Logger

    /// `listen` is `host:port` (`[v6]:port` too), as the config reader checked it.
    init(listen: String, name: String, logger: Logger) {
        let colon = listen.lastIndex(of: ":") ?? listen.endIndex
        host = String(listen[..<colon]).trimmingCharacters(in: ["[", "]"])
        port = colon < listen.endIndex ? Int(listen[listen.index(after: colon)...]) ?? 0 : 0
        self.name = name
        self.logger = logger
    }

    /// Serves `router` until the task is cancelled; throws when the address cannot be bound.
    func run(_ router: Router<BasicRequestContext>) async throws {
        var quiet = logger
        quiet.logLevel = .warning
        let (logger, name, host, port) = (self.logger, self.name, self.host, self.port)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: .init(
                address: .hostname(host, port: port),
                serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(maxConnections)
            ),
            onServerRunning: { channel in
                logger.notice(
                    "listening for \(name) on \(host):\(port)",
                    metadata: ["LISTEN_ADDRESS": "\(channel.localAddress?.description ?? "\(host):\(port)")"]
                )
            },
            logger: quiet
        )
        try await app.run()
    }
}
