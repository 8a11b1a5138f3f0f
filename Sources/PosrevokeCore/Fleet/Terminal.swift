public import Foundation

/// Where a terminal stands in the cancellation of one credit provider.
public enum CancellationState: String, Sendable, Codable, CaseIterable {
    /// The provider is still offered; nothing is watched yet.
    case active
    /// The provider was switched off at `cutover`; any use after it is a finding.
    case cancelled
}

/// The cancellation state of one terminal × provider pair.
public struct ProviderCancellation: Sendable, Equatable, Codable {
    public var state: CancellationState
    public var cutover: Date?

    public init(state: CancellationState, cutover: Date?) {
        self.state = state
        self.cutover = cutover
    }

    /// Whether a payment at `time` happened after this provider's cutover.
    public func isAfterCutover(_ time: Date) -> Bool {
        guard state == .cancelled, let cutover else { return false }
        return time >= cutover
    }
}

/// A POS terminal as the inventory declares it.
public struct Terminal: Sendable, Equatable, Identifiable {
    public var id: String
    public var store: String
    public var tags: [String]
    public var driver: String
    public var pollInterval: Duration
    public var providers: [CreditProvider: ProviderCancellation]
    /// `driver: agent`: the agent's base URL (`http(s)://host:port/path`) and the file holding its bearer token.
    public var url: String?
    public var tokenFile: String?
    /// `allow_plain_http: true`: the operator accepts that this terminal's token crosses the network unencrypted.
    public var allowPlainHTTP = false
    /// `gateway: NAME`: a store gateway of `gateways:` that answers this terminal's transaction polls in one batch
    /// with its other terminals; feedback and commands still go to `url`.
    public var gateway: String?
    /// The device id the terminal sends with its WeChat Pay payments (`device_info`), when it is not its id: the
    /// trade bill's 设备号 names the terminal by either.
    public var deviceInfo: String?
    /// `tms: paxstore`: the terminal-management system that carries this terminal's commands, and the serial
    /// number it knows the terminal by.
    public var tms: String?
    public var serialNo: String?

    public init(
        id: String,
        store: String,
        tags: [String] = [],
        driver: String = "simulated",
        pollInterval: Duration,
        providers: [CreditProvider: ProviderCancellation]
    ) {
        self.id = id
        self.store = store
        self.tags = tags
        self.driver = driver
        self.pollInterval = pollInterval
        self.providers = providers
    }

    /// The earliest cutover of any cancelled provider: traffic before it is this terminal's baseline.
    public var earliestCutover: Date? {
        providers.values.compactMap { $0.state == .cancelled ? $0.cutover : nil }.min()
    }
}
