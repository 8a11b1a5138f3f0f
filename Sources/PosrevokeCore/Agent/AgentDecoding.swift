public import Foundation

/// Something an agent sent that breaks protocol v1: never a crash, never a stalled cursor.
public struct AgentProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Turns agent bodies into domain values, checking what JSON decoding alone cannot: sequence numbers that
/// go forward, ids unique within a page, and a cursor that advances.
public enum AgentDecoding {
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

    public static func transactions(_ data: Data, after cursor: Int64) throws(AgentProtocolError) -> TransactionPage {
        let wire = try decode(AgentWire.Transactions.self, from: data)
        try checkSequence(wire.transactions.map { ($0.seq, $0.id) }, nextAfter: wire.next_after, after: cursor)
        var items: [Transaction] = []
        for (index, t) in wire.transactions.enumerated() {
            guard let method = PaymentMethod(rawValue: t.method) else {
                throw AgentProtocolError("transactions[\(index)].method: unknown method '\(t.method)'")
            }
            guard let outcome = PaymentOutcome(rawValue: t.outcome) else {
                throw AgentProtocolError("transactions[\(index)].outcome: unknown outcome '\(t.outcome)'")
            }
            items.append(
                Transaction(
                    seq: t.seq,
                    id: t.id,
                    time: t.time,
                    method: method,
                    provider: t.provider,
                    amountMinor: t.amount_minor,
                    currency: t.currency,
                    outcome: outcome,
                    errorCode: t.error_code
                )
            )
        }
        return TransactionPage(transactions: items, nextAfter: wire.next_after)
    }

    public static func feedback(_ data: Data, after cursor: Int64) throws(AgentProtocolError) -> FeedbackPage {
        let wire = try decode(AgentWire.Feedback.self, from: data)
        try checkSequence(wire.feedback.map { ($0.seq, $0.id) }, nextAfter: wire.next_after, after: cursor)
        var items: [FeedbackEntry] = []
        for (index, f) in wire.feedback.enumerated() {
            guard let source = FeedbackSource(rawValue: f.source) else {
                throw AgentProtocolError("feedback[\(index)].source: must be customer or cashier, not '\(f.source)'")
            }
            guard (1...5).contains(f.rating) else {
                throw AgentProtocolError("feedback[\(index)].rating: \(f.rating) is outside 1…5")
            }
            items.append(
                FeedbackEntry(
                    seq: f.seq,
                    id: f.id,
                    time: f.time,
                    source: source,
                    rating: f.rating,
                    category: f.category,
                    comment: f.comment
                )
            )
        }
        return FeedbackPage(feedback: items, nextAfter: wire.next_after)
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
