import Foundation
import PosrevokeCore
import Testing

/// What one agent can make the daemon hold: pages no longer than asked for, times no later than the clock allows,
/// detector memory with a hard bound.
@Suite("Bounds on agent answers and detector memory")
struct AgentBoundsTests {
    /// 2026-11-20T06:30:00Z, the time of the pages below.
    let pageTime = Date(timeIntervalSince1970: 1_795_156_200)

    func page(_ count: Int, id: (Int) -> String = { "t-1-\($0)" }, time: String = "2026-11-20T06:30:00Z") -> Data {
        let items = (1...max(count, 1)).prefix(count).map { n in
            """
            {"seq": \(n), "id": "\(id(n))", "time": "\(time)", "method": "card", "provider": null,
             "amount_minor": 100, "currency": "CNY", "outcome": "approved", "error_code": null}
            """
        }
        return Data(#"{"transactions": [\#(items.joined(separator: ","))], "next_after": \#(count)}"#.utf8)
    }

    func feedbackPage(_ count: Int, time: String = "2026-11-20T06:30:00Z") -> Data {
        let items = (1...count).map { n in
            """
            {"seq": \(n), "id": "f-\(n)", "time": "\(time)", "source": "customer", "rating": 3, "category": "other",
             "comment": ""}
            """
        }
        return Data(#"{"feedback": [\#(items.joined(separator: ","))], "next_after": \#(count)}"#.utf8)
    }

    @Test("a page longer than the limit asked for is a protocol error; one at the limit is not")
    func pageLength() throws {
        #expect(try AgentDecoding.transactions(page(5), after: 0, limit: 5).transactions.count == 5)
        #expect(throws: AgentProtocolError("page of 6 transactions is longer than the limit 5 asked for")) {
            try AgentDecoding.transactions(page(6), after: 0, limit: 5)
        }
        #expect(throws: AgentProtocolError("page of 3 feedback entries is longer than the limit 2 asked for")) {
            try AgentDecoding.feedback(feedbackPage(3), after: 0, limit: 2)
        }
    }

    @Test("entries dated beyond the 5-minute skew are re-dated to the daemon's clock and counted")
    func futureTimes() throws {
        let soon = try AgentDecoding.transactions(page(2), after: 0, now: pageTime.addingTimeInterval(-299))
        #expect(soon.futureTimesClamped == 0 && soon.transactions.allSatisfy { $0.time == pageTime })
        let now = pageTime.addingTimeInterval(-86400)
        let ahead = try AgentDecoding.transactions(page(3), after: 0, now: now)
        #expect(ahead.futureTimesClamped == 3 && ahead.transactions.allSatisfy { $0.time == now })
        let far = try AgentDecoding.transactions(page(1, time: "9999-12-31T23:59:59Z"), after: 0, now: now)
        #expect(far.futureTimesClamped == 1 && far.transactions[0].time == now)
        let feedback = try AgentDecoding.feedback(feedbackPage(2), after: 0, now: now)
        #expect(feedback.futureTimesClamped == 2 && feedback.feedback.allSatisfy { $0.time == now })
    }

    @Test("ids and text fields have a size")
    func fieldSizes() {
        #expect(throws: AgentProtocolError.self) {
            try AgentDecoding.transactions(page(1, id: { _ in String(repeating: "i", count: 129) }), after: 0)
        }
        #expect(throws: AgentProtocolError.self) { try AgentDecoding.transactions(page(1, id: { _ in "" }), after: 0) }
        let currency = String(decoding: page(1), as: UTF8.self).replacingOccurrences(
            of: "\"CNY\"",
            with: "\"\(String(repeating: "C", count: 9))\""
        )
        #expect(throws: AgentProtocolError("transactions[0].currency: longer than 8 bytes")) {
            try AgentDecoding.transactions(Data(currency.utf8), after: 0)
        }
    }

    func transaction(_ n: Int, outcome: PaymentOutcome, method: PaymentMethod, at time: Date) -> Transaction {
        Transaction(
            seq: Int64(n),
            id: "x-\(n)",
            time: time,
            method: method,
            provider: method == .creditScorePay ? "wechat-payscore" : nil,
            amountMinor: 100,
            currency: "CNY",
            outcome: outcome,
            errorCode: nil
        )
    }

    @Test("detector memory stays bounded however many entries an agent sends, and the rules still fire")
    func detectorBound() {
        let now = pageTime
        let terminal = Terminal(
            id: "t-1",
            store: "s-1",
            pollInterval: .seconds(10),
            providers: [
                .wechatPayscore: ProviderCancellation(state: .cancelled, cutover: now.addingTimeInterval(-3600))
            ]
        )
        var detector = TerminalDetector()
        let config = DetectionSection()
        // Ten pages of 10,000 declined credit-pay attempts and 10,000 failed card payments, all inside the windows.
        for page in 0..<10 {
            let batch = (0..<10_000).flatMap { n -> [Transaction] in
                let time = now.addingTimeInterval(-Double(n % 600))
                return [
                    transaction(page * 20_000 + n, outcome: .declined, method: .creditScorePay, at: time),
                    transaction(page * 20_000 + 10_000 + n, outcome: .error, method: .card, at: time),
                ]
            }
            detector.ingest(batch, terminal: terminal, observedAt: now)
            detector.prune(now: now, config: config)
        }
        detector.pollFailed(String(repeating: "e", count: 1 << 20))
        #expect(detector.attempts["wechat-payscore"]?.count == TerminalDetector.maxAttempts)
        #expect(detector.recentOutcomes.count == TerminalDetector.maxOutcomes)
        #expect((detector.lastPollError?.count ?? 0) <= TerminalDetector.maxErrorCharacters + 1)
        #expect(detector.attempts["wechat-payscore"]?.max() == now, "the newest are kept")
        let conditions = Rules.evaluate(detector, terminal: terminal, config: config, now: now)
        #expect(conditions.contains { $0.key.kind == .creditPayAttempt && $0.active })
        // A rule configured above the bound keeps what it needs.
        var high = config
        high.creditPayAttempt.threshold = 5000
        var big = TerminalDetector()
        big.ingest(
            (0..<6000).map { transaction($0, outcome: .declined, method: .creditScorePay, at: now) },
            terminal: terminal,
            observedAt: now
        )
        big.prune(now: now, config: high)
        #expect(big.attempts["wechat-payscore"]?.count == 5000)
    }
}
