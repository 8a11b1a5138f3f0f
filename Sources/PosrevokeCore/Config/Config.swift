import Foundation

/// The whole validated configuration. Every field has a default, so a config file only states what differs.
public struct DaemonConfig: Sendable, Equatable {
    public var daemon = DaemonSection()
    public var polling = PollingSection()
    public var detection = DetectionSection()
    public var alerts = AlertsSection()
    public var store = StoreSection()
    public var simulation = SimulationSection()
    public var jobs = JobsSection()
    public var platform = PlatformSection()
    public var feedback = FeedbackSection()
    public var bills = BillsSection()
    public var callbacks = CallbacksSection()
    public var metrics = MetricsSection()
    public var tms = TMSSection()
    public var gateways: [String: GatewayConfig] = [:]
    public var plans: [PlanConfig] = []
    public var stores: [StoreConfig] = []
    public var terminals: [Terminal] = []

    public init() {}
}

/// Process-wide knobs.
public struct DaemonSection: Sendable, Equatable {
    /// Where the SQLite state lives when neither `--state-dir` nor `$STATE_DIRECTORY` says otherwise.
    public var stateDirectory: String? = nil
    /// How often the `STATUS=` line is refreshed.
    public var statusInterval: Duration = .seconds(5)
    public init() {}
}

/// `metrics:`: the Prometheus endpoint (`/metrics`); off unless `listen` is set.
public struct MetricsSection: Sendable, Equatable {
    /// `host:port`; loopback unless the scraper is elsewhere and the network is trusted.
    public var listen: String?
    public init() {}
}

/// How terminals are polled.
public struct PollingSection: Sendable, Equatable {
    public var interval: Duration = .seconds(30)
    public var timeout: Duration = .seconds(10)
    public var maxConcurrent = 64
    public var pageLimit = 500
    public init() {}
}

/// Thresholds of the four detection rules.
public struct DetectionSection: Sendable, Equatable {
    public var lingeringCreditPay = LingeringRuleConfig()
    public var creditPayAttempt = AttemptRuleConfig()
    public var terminalUnreachable = UnreachableRuleConfig()
    public var paymentFailureRate = FailureRateRuleConfig()
    public var negativeFeedback = NegativeFeedbackRuleConfig()
    public init() {}
}

/// `lingering-credit-pay`: an approved credit-score payment after cutover.
public struct LingeringRuleConfig: Sendable, Equatable {
    public var enabled = true
    /// The alert resolves once no lingering payment was seen for this long.
    public var resolveAfter: Duration = .seconds(3600)
    public var repeatInterval: Duration = .seconds(4 * 3600)
    public init() {}
}

/// `credit-pay-attempt`: declined or failed credit-score-pay attempts after cutover.
public struct AttemptRuleConfig: Sendable, Equatable {
    public var enabled = true
    public var threshold = 3
    public var window: Duration = .seconds(900)
    public var pendingFor: Duration = .zero
    public var repeatInterval: Duration = .seconds(4 * 3600)
    public init() {}
}

/// `terminal-unreachable`: consecutive failed polls.
public struct UnreachableRuleConfig: Sendable, Equatable {
    public var enabled = true
    public var consecutiveFailures = 3
    public var repeatInterval: Duration = .seconds(4 * 3600)
    public init() {}
}

/// `payment-failure-rate`: the other methods fail more often than before cutover.
public struct FailureRateRuleConfig: Sendable, Equatable {
    public var enabled = true
    public var window: Duration = .seconds(900)
    /// Absolute rise over the baseline rate that counts as a breach (0.10 = ten percentage points).
    public var margin = 0.10
    /// Fewer payments than this in the window never fire.
    public var minSample = 20
    /// Pre-cutover payments needed before the terminal's own baseline replaces `baselineDefault`.
    public var baselineMinSample = 50
    public var baselineDefault = 0.02
    public var pendingFor: Duration = .seconds(60)
    public var repeatInterval: Duration = .seconds(4 * 3600)
    public init() {}
}

/// Flood control for journal announcements.
public struct AlertsSection: Sendable, Equatable {
    /// Individual announcements allowed at once before coalescing starts.
    public var burst = 50
    /// Sustained individual announcements per second.
    public var ratePerSecond = 10.0
    /// How long a coalesced summary stays open to collect further transitions of its group.
    public var summaryInterval: Duration = .seconds(10)
    public init() {}
}

/// Retention of the state store.
public struct StoreSection: Sendable, Equatable {
    public var transactionRetention: Duration = .seconds(14 * 86400)
    public init() {}
}

/// The embedded simulated fleet behind `driver: simulated`.
public struct SimulationSection: Sendable, Equatable {
    public var seed: UInt64 = 1
    public var transactionsPerMinute = 4.0
    /// Share of payments a customer tries with credit-score pay (before cutover they succeed).
    public var creditPayShare = 0.15
    /// Feedback entries each terminal's customers and cashiers leave per hour.
    public var feedbackPerHour = 2.0
    public var scenario = ScenarioConfig()
    public var tms = TMSSimulationConfig()
    public init() {}
}

/// Faults and behaviours the simulated fleet plays out; times are relative to the daemon's start.
public struct ScenarioConfig: Sendable, Equatable {
    /// Terminals that missed the update and keep approving credit-score pay after cutover.
    public var missedUpdate: [String] = []
    /// Share of post-cutover customers who still try credit-score pay on a clean terminal (declined).
    public var stillTryingShare = 0.05
    public var offline: [OfflineWindow] = []
    public var errorBursts: [ErrorBurst] = []
    /// Share of terminal × provider pairs with a provider-specific peripheral (a scanner) to remove.
    public var peripheralShare = 0.3
    /// How long after a provider is switched off on a terminal the technician removes its peripheral.
    public var hardwareRemovalAfter: Duration = .seconds(20)
    /// How long a pushed software update takes to apply.
    public var updateDuration: Duration = .seconds(6)
    /// Stores whose customers take the cutover badly: far more negative feedback afterwards.
    public var unhappyStores: [String] = []
    /// How long a simulated terminal takes to carry out a command (switch a method, show a notice, start an
    /// update, run a self-test); polls are not delayed.
    public var commandLatency: Duration = .zero
    /// Faults `posrevoke-sim` plays on its HTTP answers (the in-process driver ignores them).
    public var agentFaults: [AgentFault] = []
    public init() {}
}

/// A misbehaviour of a terminal agent served by `posrevoke-sim`, on a share of its answers.
public struct AgentFault: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// 500 with an error body.
        case serverError = "server-error"
        /// A body that is not JSON.
        case malformedJSON = "malformed-json"
        /// A 2 MiB body.
        case oversized
        /// A transaction page whose seqs go backwards.
        case seqBackwards = "seq-backwards"
        /// The body trickles out a few bytes at a time.
        case slowDrip = "slow-drip"
        /// The connection is dropped halfway through the answer.
        case reset
        /// No answer at all for a minute.
        case hang
        /// Extra delay before answering.
        case latency
    }

    public var terminal: String
    public var kind: Kind
    /// Share of requests it hits, 0 to 1.
    public var share: Double
    /// For `latency` and `slow-drip`: the delay (per chunk for `slow-drip`).
    public var delay: Duration

    public init(terminal: String, kind: Kind, share: Double, delay: Duration) {
        self.terminal = terminal
        self.kind = kind
        self.share = share
        self.delay = delay
    }
}

/// A terminal that stops answering polls for a while.
public struct OfflineWindow: Sendable, Equatable {
    public var terminal: String
    public var after: Duration
    public var duration: Duration?

    public init(terminal: String, after: Duration, duration: Duration?) {
        self.terminal = terminal
        self.after = after
        self.duration = duration
    }
}

/// A spell of errors in a non-credit method at one store.
public struct ErrorBurst: Sendable, Equatable {
    public var store: String
    public var method: PaymentMethod
    public var after: Duration
    public var duration: Duration
    public var errorRate: Double

    public init(store: String, method: PaymentMethod, after: Duration, duration: Duration, errorRate: Double) {
        self.store = store
        self.method = method
        self.after = after
        self.duration = duration
        self.errorRate = errorRate
    }
}

/// How each provider's platform steps are carried out.
public struct PlatformSection: Sendable, Equatable {
    /// `simulated` (the embedded platform), `http` (the project's gateway API), `wechatpay-v3` and `alipay-openapi`
    /// (the real platforms) or `manual` (operator gates with reminders).
    public var providers: [CreditProvider: PlatformDriverKind] = [
        .wechatPayscore: .simulated, .alipayCredit: .simulated,
    ]
    /// Where and as whom each `http` provider is called.
    public var http: [CreditProvider: PlatformHTTPConfig] = [:]
    /// The WeChat Pay merchant account, for `wechatpay-v3`.
    public var wechatpay: WeChatPayAccount?
    /// The Alipay app, for `alipay-openapi`.
    public var alipay: AlipayAccount?
    public var simulation = PlatformSimulationConfig()
    public init() {}
}

/// The kinds of payment-platform adapter.
public enum PlatformDriverKind: String, Sendable, Codable, CaseIterable {
    case simulated
    case http
    case manual
    case wechatpayV3 = "wechatpay-v3"
    case alipayOpenAPI = "alipay-openapi"

    /// The provider a real platform's kind serves; nil for the kinds any provider may use.
    public var onlyFor: CreditProvider? {
        switch self {
        case .wechatpayV3: .wechatPayscore
        case .alipayOpenAPI: .alipayCredit
        case .simulated, .http, .manual: nil
        }
    }
}

/// One provider's platform API: its base URL, the merchant identity, and the signing key's credential file.
public struct PlatformHTTPConfig: Sendable, Equatable {
    public var url: String
    public var merchantID: String
    public var serviceID: String
    public var appID: String = ""
    /// A credential file (a bare name under `$CREDENTIALS_DIRECTORY`, or a path) holding the signing key.
    public var keyFile: String
    public var keySerial: String = "1"

    public init(url: String, merchantID: String, serviceID: String, keyFile: String) {
        self.url = url
        self.merchantID = merchantID
        self.serviceID = serviceID
        self.keyFile = keyFile
    }
}

/// Behaviour of the embedded payment platform.
public struct PlatformSimulationConfig: Sendable, Equatable {
    public var seed: UInt64 = 1
    /// How long a deactivation review takes.
    public var reviewDelay: Duration = .seconds(60)
    /// Share of applications the reviewer rejects.
    public var rejectShare = 0.0
    /// Share of calls answered with 429 FREQUENCY_LIMITED or 500 SYSTEM_ERROR.
    public var transientErrorShare = 0.05
    /// Share of open orders whose first cancel meets a debit in progress.
    public var debitInProgressShare = 0.2
    public var maxOpenOrders = 2
    /// Share of the real-platform simulators' answers signed with a wrong key (the daemon must not believe them).
    public var forgedAnswerShare = 0.0
    /// Users' authorizations per store and provider that the real-platform simulators keep.
    public var authorizationsPerStore = 3
    public init() {}
}
