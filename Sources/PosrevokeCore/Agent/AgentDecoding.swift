public import Foundation

/// Something an agent sent that breaks protocol v1: never a crash, never a stalled cursor.
public struct AgentProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Turns agent bodies into domain values, checking what JSON decoding alone cannot: sequence numbers that
/// go forward, ids unique within a page, and a cursor that advances.
public enum AgentDecoding {
    /// How far ahead of the daemon's clock an agent's entry may be dated. Later times are clamped to the daemon's
    /// clock and counted: a terminal with a wrong clock is still watched, and no entry stays in a rule's window
    /// for ever.
    public static let futureSkew: TimeInterval = 300
    /// The longest transaction or feedback id taken, in bytes.
    public static let maxIDBytes = 128

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(AgentProtocolError) -> T {
        do {
            return try AgentWire.decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw AgentProtocolError(explain(error))
        } catch {
            throw AgentProtocolError("malformed JSON: \(error)")
        }
    }

    public static func status(_ data: Data) throws(AgentProtocolError) -> TerminalStatus {
        let wire = try decode(AgentWire.Status.self, from: data)
        var methods: [TerminalStatus.Method] = []
        for (index, entry) in wire.payment_methods.enumerated() {
            guard let method = PaymentMethod(rawValue: entry.method) else {
                throw AgentProtocolError("payment_methods[\(index)].method: unknown method '\(entry.method)'")
            }
            methods.append(.init(method: method, provider: entry.provider, enabled: entry.enabled))
        }
        return TerminalStatus(
            terminalID: wire.terminal_id,
            model: wire.model,
            firmware: wire.firmware,
            time: wire.time,
            peripherals: wire.peripherals,
            paymentMethods: methods
        )
    }

    /// - Parameters:
    ///   - limit: the `limit` asked for; a longer page is a protocol error (nil: not checked).
    ///   - now: the daemon's clock; times more than `futureSkew` after it are clamped to it (nil: not checked).
    public static func transactions(
        _ data: Data,
        after cursor: Int64,
        limit: Int? = nil,
        now: Date? = nil
    ) throws(AgentProtocolError) -> TransactionPage {
        if let nextAfter = emptyPage(data) {
            try checkSequence([], nextAfter: nextAfter, after: cursor)
            return TransactionPage(transactions: [], nextAfter: nextAfter)
        }
        return try page(decode(AgentWire.Transactions.self, from: data), after: cursor, limit: limit, now: now)
    }

    /// A decoded page, checked: the part of `transactions` a gateway's batch answer shares.
    static func page(
        _ wire: AgentWire.Transactions,
        after cursor: Int64,
        limit: Int?,
        now: Date?
    ) throws(AgentProtocolError) -> TransactionPage {
        try checkLength(wire.transactions.count, limit: limit, what: "transactions")
        try checkSequence(wire.transactions.map { ($0.seq, $0.id) }, nextAfter: wire.next_after, after: cursor)
        var clamped = 0
        var items: [Transaction] = []
        for (index, t) in wire.transactions.enumerated() {
            guard let method = PaymentMethod(rawValue: t.method) else {
                throw AgentProtocolError("transactions[\(index)].method: unknown method '\(t.method)'")
            }
            guard let outcome = PaymentOutcome(rawValue: t.outcome) else {
                throw AgentProtocolError("transactions[\(index)].outcome: unknown outcome '\(t.outcome)'")
            }
            // Stored with the transaction and kept as alert evidence: sizes are bounded like every other field.
            for (name, value, limit) in [
                ("currency", t.currency, 8), ("provider", t.provider ?? "", 64),
                ("error_code", t.error_code ?? "", 256),
            ] where value.utf8.count > limit {
                throw AgentProtocolError("transactions[\(index)].\(name): longer than \(limit) bytes")
            }
            items.append(
                Transaction(
                    seq: t.seq,
                    id: t.id,
                    time: clamp(t.time, now: now, count: &clamped),
                    method: method,
                    provider: t.provider,
                    amountMinor: t.amount_minor,
                    currency: t.currency,
                    outcome: outcome,
                    errorCode: t.error_code
                )
            )
        }
        var page = TransactionPage(transactions: items, nextAfter: wire.next_after)
        page.futureTimesClamped = clamped
        return page
    }

    /// Same checks as `transactions`.
    public static func feedback(
        _ data: Data,
        after cursor: Int64,
        limit: Int? = nil,
        now: Date? = nil
    ) throws(AgentProtocolError) -> FeedbackPage {
        let wire = try decode(AgentWire.Feedback.self, from: data)
        try checkLength(wire.feedback.count, limit: limit, what: "feedback entries")
        try checkSequence(wire.feedback.map { ($0.seq, $0.id) }, nextAfter: wire.next_after, after: cursor)
        var clamped = 0
        var items: [FeedbackEntry] = []
        for (index, f) in wire.feedback.enumerated() {
            guard let source = FeedbackSource(rawValue: f.source) else {
                throw AgentProtocolError("feedback[\(index)].source: must be customer or cashier, not '\(f.source)'")
            }
            guard (1...5).contains(f.rating) else {
                throw AgentProtocolError("feedback[\(index)].rating: \(f.rating) is outside 1…5")
            }
            guard f.comment.count <= FeedbackLimits.maxCommentCharacters, f.category.utf8.count <= 64 else {
                throw AgentProtocolError(
                    "feedback[\(index)]: comment over \(FeedbackLimits.maxCommentCharacters) characters or category "
                        + "over 64 bytes"
                )
            }
            items.append(
                FeedbackEntry(
                    seq: f.seq,
                    id: f.id,
                    time: clamp(f.time, now: now, count: &clamped),
                    source: source,
                    rating: f.rating,
                    category: f.category,
                    comment: f.comment
                )
            )
        }
        var page = FeedbackPage(feedback: items, nextAfter: wire.next_after)
        page.futureTimesClamped = clamped
        return page
    }

    /// The most open orders one terminal may report; a till has a handful at most.
    public static let maxOpenOrders = 1000

    /// The open orders of `provider`: order numbers as the platform knows them (printable ASCII, at most 64 bytes,
    /// WeChat Pay's limit is 32), each once.
    public static func openOrders(_ data: Data, provider: CreditProvider) throws(AgentProtocolError) -> [String] {
        let wire = try decode(AgentWire.Orders.self, from: data)
        try checkLength(wire.orders.count, limit: maxOpenOrders, what: "orders")
        var seen: Set<String> = []
        var numbers: [String] = []
        for (index, order) in wire.orders.enumerated() {
            let number = order.out_order_no
            guard !number.isEmpty, number.utf8.count <= 64, number.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
            else {
                throw AgentProtocolError("orders[\(index)].out_order_no: must be 1 to 64 printable ASCII characters")
            }
            guard order.provider == provider.rawValue else {
                throw AgentProtocolError("orders[\(index)].provider: asked for \(provider.rawValue) only")
            }
            guard order.state == "open" else {
                throw AgentProtocolError("orders[\(index)].state: asked for open orders only, not '\(order.state)'")
            }
            if seen.insert(number).inserted { numbers.append(number) }
        }
        return numbers
    }

    private static let emptyFirst = (Array(#"{"transactions":[],"next_after":"#.utf8), Array("}".utf8))
    private static let cursorFirst = (Array(#"{"next_after":"#.utf8), Array(#","transactions":[]}"#.utf8))

    /// Most polls find nothing new, and a full decoding pass was the largest part of the daemon's own work on
    /// them: an empty page in compact form, either key first (`{"transactions":[],"next_after":N}` or
    /// `{"next_after":N,"transactions":[]}`, N a JSON integer that fits 64 bits), is read here. Anything else
    /// (spaces, a sign, leading zeros, more fields) returns nil and takes the full path, so both accept exactly the
    /// same pages.
    package static func emptyPage(_ data: Data) -> Int64? {
        for (prefix, suffix) in [emptyFirst, cursorFirst] {
            guard data.count > prefix.count + suffix.count, data.count <= prefix.count + suffix.count + 19,
                data.starts(with: prefix), data.reversed().starts(with: suffix.reversed())
            else { continue }
            return integer(data.dropFirst(prefix.count).dropLast(suffix.count))
        }
        return nil
    }

    /// A JSON integer without sign or leading zeros that fits `Int64`, else nil.
    private static func integer(_ digits: Data) -> Int64? {
        guard let first = digits.first, first != UInt8(ascii: "0") || digits.count == 1 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(digit &- UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }

    /// A page longer than asked for would let one agent flood the store and the detectors in a single answer.
    static func checkLength(_ count: Int, limit: Int?, what: String) throws(AgentProtocolError) {
        guard let limit, count > limit else { return }
        throw AgentProtocolError("page of \(count) \(what) is longer than the limit \(limit) asked for")
    }

    /// `time`, or the daemon's clock when `time` is more than `futureSkew` after it.
    static func clamp(_ time: Date, now: Date?, count: inout Int) -> Date {
        guard let now, time.timeIntervalSince(now) > futureSkew else { return time }
        count += 1
        return now
    }

    /// Seqs above the cursor and strictly rising, ids unique, and `next_after` at the last seq (or the cursor
    /// for an empty page): anything else would lose entries or loop on the same page.
    static func checkSequence(
        _ items: [(seq: Int64, id: String)],
        nextAfter: Int64,
        after cursor: Int64
    )
        throws(AgentProtocolError)
    {
        var previous = cursor
        var ids: Set<String> = []
        for (index, item) in items.enumerated() {
            guard item.seq > previous else {
                throw AgentProtocolError(
                    item.seq <= cursor && index == 0
                        ? "seq went backwards: \(item.seq) after cursor \(cursor)"
                        : "seq went backwards: \(item.seq) after \(previous)"
                )
            }
            guard !item.id.isEmpty, item.id.utf8.count <= maxIDBytes else {
                throw AgentProtocolError("id at seq \(item.seq) is empty or longer than \(maxIDBytes) bytes")
            }
            guard ids.insert(item.id).inserted else {
                throw AgentProtocolError("duplicate id '\(item.id)' in one page")
            }
            previous = item.seq
        }
        if let last = items.last {
            guard nextAfter == last.seq else {
                throw AgentProtocolError("next_after \(nextAfter) is not the last seq \(last.seq) of the page")
            }
        } else if nextAfter < cursor {
            throw AgentProtocolError("next_after \(nextAfter) went backwards from cursor \(cursor)")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "body" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "missing field '\(key.stringValue)'\(at == "body" ? "" : " in \(at)")"
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "malformed JSON" }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "malformed JSON"
        }
    }
}
