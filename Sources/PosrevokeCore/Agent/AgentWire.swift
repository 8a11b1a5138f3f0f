public import Foundation

/// The JSON bodies of terminal-agent protocol v1, field for field (snake_case on the wire).
///
/// Both sides use these: the agent driver decodes them, `posrevoke-sim` encodes them. See
/// docs/terminal-agent-protocol.md.
public enum AgentWire {
    public struct PaymentMethodEntry: Codable, Sendable, Equatable {
        public var method: String
        public var provider: String?
        public var enabled: Bool

        public init(method: String, provider: String?, enabled: Bool) {
            self.method = method
            self.provider = provider
            self.enabled = enabled
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var terminal_id: String
        public var model: String
        public var firmware: String
        public var time: Date
        public var peripherals: [String]
        public var payment_methods: [PaymentMethodEntry]
    }

    public struct TransactionItem: Codable, Sendable, Equatable {
        public var seq: Int64
        public var id: String
        public var time: Date
        public var method: String
        public var provider: String?
        public var amount_minor: Int64
        public var currency: String
        public var outcome: String
        public var error_code: String?
    }

    public struct Transactions: Codable, Sendable, Equatable {
        public var transactions: [TransactionItem]
        public var next_after: Int64
    }

    public struct FeedbackItem: Codable, Sendable, Equatable {
        public var seq: Int64
        public var id: String
        public var time: Date
        public var source: String
        public var rating: Int
        public var category: String
        public var comment: String
    }

    public struct Feedback: Codable, Sendable, Equatable {
        public var feedback: [FeedbackItem]
        public var next_after: Int64
    }

    public struct Notice: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
        public var from: Date
        public var until: Date

        public init(id: String, text: String, from: Date, until: Date) {
            self.id = id
            self.text = text
            self.from = from
            self.until = until
        }
    }

    public struct UpdateRequest: Codable, Sendable, Equatable {
        public var id: String
        public var remove_providers: [String]

        public init(id: String, remove_providers: [String]) {
            self.id = id
            self.remove_providers = remove_providers
        }
    }

    public struct Update: Codable, Sendable, Equatable {
        public var id: String
        public var state: String
        public var error: String?

        public init(id: String, state: String, error: String?) {
            self.id = id
            self.state = state
            self.error = error
        }
    }

    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var ok: Bool
        public var detail: String
    }

    public struct Selftest: Codable, Sendable, Equatable {
        public var ok: Bool
        public var checks: [Check]
    }

    /// `GET /v1/orders?provider=&state=open`: the terminal's open credit-score-pay orders (optional; 404 when the
    /// agent does not list them).
    public struct OrderItem: Codable, Sendable, Equatable {
        public var out_order_no: String
        public var provider: String
        public var state: String

        public init(out_order_no: String, provider: String, state: String) {
            self.out_order_no = out_order_no
            self.provider = provider
            self.state = state
        }
    }

    public struct Orders: Codable, Sendable, Equatable {
        public var orders: [OrderItem]

        public init(orders: [OrderItem]) { self.orders = orders }
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var error: String
        public var message: String

        public init(error: String, message: String) {
            self.error = error
            self.message = message
        }
    }

    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// RFC 3339 with or without fractional seconds, as agents write it.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            // One parse per time: a failed attempt costs as much as the rest of the page.
            let style = text.contains(".") ? withFractions : Date.ISO8601FormatStyle()
            if let date = try? Date(text, strategy: style) { return date }
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an RFC 3339 time")
            )
        }
        return decoder
    }()

    /// Optional fields go on the wire as `null`, as the protocol writes them, rather than being left out.
    fileprivate static func encodeNull<K: CodingKey>(
        _ value: String?,
        _ key: K,
        _ c: inout KeyedEncodingContainer<K>
    )
        throws
    {
        if let value { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension AgentWire.Status {
    public init(_ status: TerminalStatus) {
        self.init(
            terminal_id: status.terminalID,
            model: status.model,
            firmware: status.firmware,
            time: status.time,
            peripherals: status.peripherals,
            payment_methods: status.paymentMethods.map {
                .init(method: $0.method.rawValue, provider: $0.provider, enabled: $0.enabled)
            }
        )
    }
}

extension AgentWire.Transactions {
    public init(_ page: TransactionPage) {
        self.init(
            transactions: page.transactions.map {
                .init(
                    seq: $0.seq,
                    id: $0.id,
                    time: $0.time,
                    method: $0.method.rawValue,
                    provider: $0.provider,
                    amount_minor: $0.amountMinor,
                    currency: $0.currency,
                    outcome: $0.outcome.rawValue,
                    error_code: $0.errorCode
                )
            },
            next_after: page.nextAfter
        )
    }
}

extension AgentWire.Feedback {
    public init(_ page: FeedbackPage) {
        self.init(
            feedback: page.feedback.map {
                .init(
                    seq: $0.seq,
                    id: $0.id,
                    time: $0.time,
                    source: $0.source.rawValue,
                    rating: $0.rating,
                    category: $0.category,
                    comment: $0.comment
                )
            },
            next_after: page.nextAfter
        )
    }
}

extension AgentWire.Selftest {
    public init(ok: Bool, checks: [(name: String, ok: Bool, detail: String)]) {
        self.init(ok: ok, checks: checks.map { .init(name: $0.name, ok: $0.ok, detail: $0.detail) })
    }
}

extension AgentWire.PaymentMethodEntry {
    private enum Keys: String, CodingKey { case method, provider, enabled }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(method, forKey: .method)
        try AgentWire.encodeNull(provider, .provider, &c)
        try c.encode(enabled, forKey: .enabled)
    }
}

extension AgentWire.TransactionItem {
    private enum Keys: String, CodingKey {
        case seq, id, time, method, provider, amount_minor, currency, outcome, error_code
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(id, forKey: .id)
        try c.encode(time, forKey: .time)
        try c.encode(method, forKey: .method)
        try AgentWire.encodeNull(provider, .provider, &c)
        try c.encode(amount_minor, forKey: .amount_minor)
        try c.encode(currency, forKey: .currency)
        try c.encode(outcome, forKey: .outcome)
        try AgentWire.encodeNull(error_code, .error_code, &c)
    }
}

extension AgentWire.Update {
    private enum Keys: String, CodingKey { case id, state, error }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(state, forKey: .state)
        try AgentWire.encodeNull(error, .error, &c)
    }
}
