/// `gateways:`: store gateways that answer for many agent terminals and offer the optional batch endpoint
/// (`POST {url}/v1/gateway/transactions`): one request brings every terminal's new transactions.
public struct GatewayConfig: Sendable, Equatable {
    public var name: String
    /// The gateway's base URL; the batch endpoint is this followed by `/v1/gateway/transactions`.
    public var url: String
    /// The credential file with the gateway's bearer token, as a terminal's `token_file`.
    public var tokenFile: String?
    public var allowPlainHTTP = false

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// The most terminals one batch request names; a larger group is split.
    public static let maxTerminalsPerRequest = 1000
}
