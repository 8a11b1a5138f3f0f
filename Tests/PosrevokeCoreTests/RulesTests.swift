import Foundation
import PosrevokeCore
import Testing

@Suite("Detection rules")
struct RulesTests {
    let cutover = Date(timeIntervalSince1970: 1_800_000_000)
    var terminal: Terminal {
        Terminal(
            id: "t-1",
            store: "s-1",
            pollInterval: .seconds(10),
            providers: [
                .wechatPayscore: ProviderCancellation(state: .cancelled, cutover: cutover),
                .alipayCredit: ProviderCancellation(state: .active, cutover: nil),
            ]
        )
    }
    var seq: Int64 = 0

    func tx(
        _ offset: Double,
        _ method: PaymentMethod,
        _ provider: String? = nil,
        _ outcome: PaymentOutcome = .approved
    )
        -> Transaction
    {
        Transaction(
            seq: Int64(offset * 1000),
            id: "t-1-\(offset)-\(method.rawValue)-\(provider ?? "")-\(outcome.rawValue)",
            time: cutover.addingTimeInterval(offset),
            method: method,
            provider: provider,
            amountMinor: 1234,
            currency: "CNY",
            outcome: outcome,
            errorCode: outcome == .approved ? nil : "E"
        )
    }

    @Test("lingering-credit-pay fires on an approved credit payment after cutover, with the transaction as evidence")
    func lingering() throws {
        var detector = TerminalDetector()
        let now = cutover.addingTimeInterval(100)
        detector.ingest([tx(-10, .creditScorePay, "wechat-payscore")], terminal: terminal, observedAt: now)
        #expect(Rules.lingering(detector, terminal: terminal, config: .init(), now: now).allSatisfy { !$0.active })
        detector.ingest([tx(10, .creditScorePay, "wechat-payscore")], terminal: terminal, observedAt: now)
        let conditions = Rules.lingering(detector, terminal: terminal, config: .init(), now: now)
        let condition = try #require(conditions.first)
        #expect(conditions.count == 1)  // alipay-credit is still active: not watched
        #expect(condition.active)
        #expect(condition.key == AlertKey(kind: .lingeringCreditPay, terminal: "t-1", provider: "wechat-payscore"))
        #expect(condition.evidence["TRANSACTION_ID"] == tx(10, .creditScorePay, "wechat-payscore").id)
        #expect(condition.evidence["LINGERING_COUNT"] == "1")
    }

    @Test("a quiet detector raises nothing at any later time; any evidence makes it not quiet")
    func quiet() {
        var detector = TerminalDetector()
        let now = cutover.addingTimeInterval(100)
        detector.ingest((1...40).map { tx(Double($0), .card) }, terminal: terminal, observedAt: now)
        #expect(detector.isQuiet)
        var config = DetectionSection()
        config.paymentFailureRate.minSample = 1
        config.terminalUnreachable.consecutiveFailures = 1
        for later in [0.0, 60, 3600, 86400] {
            let at = now.addingTimeInterval(later)
            #expect(Rules.evaluate(detector, terminal: terminal, config: config, now: at).allSatisfy { !$0.active })
        }
        var failing = detector
        failing.ingest([tx(50, .card, nil, .error)], terminal: terminal, observedAt: now)
        var unreachable = detector
        unreachable.pollFailed("timeout")
        var attempted = detector
        attempted.ingest([tx(51, .creditScorePay, "wechat-payscore", .declined)], terminal: terminal, observedAt: now)
        var lingering = detector
        lingering.ingest([tx(52, .creditScorePay, "wechat-payscore")], terminal: terminal, observedAt: now)
        #expect([failing, unreachable, attempted, lingering].allSatisfy { !$0.isQuiet })
    }

    @Test("lingering-credit-pay ignores declined attempts and uses of still-active providers")
    func lingeringIgnores() {
        var detector = TerminalDetector()
        let now = cutover.addingTimeInterval(100)
        detector.ingest(
            [tx(10, .creditScorePay, "wechat-payscore", .declined), tx(11, .creditScorePay, "alipay-credit")],
            terminal: terminal,
            observedAt: now
        )
        #expect(Rules.lingering(detector, terminal: terminal, config: .init(), now: now).allSatisfy { !$0.active })
    }

    @Test("lingering-credit-pay resolves after resolve_after without new evidence")
    func lingeringResolves() {
        var detector = TerminalDetector()
        let seen = cutover.addingTimeInterval(100)
        detector.ingest([tx(10, .creditScorePay, "wechat-payscore")], terminal: terminal, observedAt: seen)
        var config = LingeringRuleConfig()
        config.resolveAfter = .seconds(600)
        #expect(
            Rules.lingering(detector, terminal: terminal, config: config, now: seen.addingTimeInterval(599))[0].active
        )
        #expect(
            !Rules.lingering(detector, terminal: terminal, config: config, now: seen.addingTimeInterval(600))[0].active
        )
    }

    @Test("credit-pay-attempt needs threshold attempts inside the window")
    func attempts() {
        var detector = TerminalDetector()
        var config = AttemptRuleConfig()
        config.threshold = 3
        config.window = .seconds(60)
        let attempts = [0.0, 20, 50].map { tx($0, .creditScorePay, "wechat-payscore", .declined) }
        detector.ingest(Array(attempts.prefix(2)), terminal: terminal, observedAt: cutover)
        #expect(
            !Rules.attempts(detector, terminal: terminal, config: config, now: cutover.addingTimeInterval(55))[0].active
        )
        detector.ingest([attempts[2]], terminal: terminal, observedAt: cutover)
        let firing = Rules.attempts(detector, terminal: terminal, config: config, now: cutover.addingTimeInterval(55))[
            0
        ]
        #expect(firing.active)
        #expect(firing.evidence["ATTEMPT_COUNT"] == "3")
        // The first attempt leaves the window.
        #expect(
            !Rules.attempts(detector, terminal: terminal, config: config, now: cutover.addingTimeInterval(61))[0].active
        )
    }

    @Test("terminal-unreachable fires after N consecutive failures and resolves on the next success")
    func unreachable() {
        var detector = TerminalDetector()
        var config = UnreachableRuleConfig()
        config.consecutiveFailures = 3
        detector.pollFailed("timeout")
        detector.pollFailed("timeout")
        #expect(!Rules.unreachable(detector, terminal: terminal, config: config).active)
        detector.pollFailed("connection refused")
        let condition = Rules.unreachable(detector, terminal: terminal, config: config)
        #expect(condition.active)
        #expect(condition.evidence["POLL_ERROR"] == "connection refused")
        detector.pollSucceeded()
        #expect(!Rules.unreachable(detector, terminal: terminal, config: config).active)
    }

    @Test("payment-failure-rate compares the window with the terminal's own pre-cutover baseline")
    func failureRate() {
        var detector = TerminalDetector()
        var config = FailureRateRuleConfig()
        config.window = .seconds(600)
        config.minSample = 20
        config.baselineMinSample = 50
        config.margin = 0.1
        // Baseline: 100 card payments before cutover, 5 failed (5 %).
        let before = (0..<100).map { tx(-2000 + Double($0), .card, nil, $0 < 5 ? .error : .approved) }
        detector.ingest(before, terminal: terminal, observedAt: cutover)
        #expect(detector.baselineTotal == 100 && detector.baselineFailures == 5)
        // 19 payments after cutover, all failed: below the minimum sample, stays quiet.
        let failing = (0..<19).map { tx(Double($0), .qr, "wechat", .error) }
        detector.ingest(failing, terminal: terminal, observedAt: cutover)
        let now = cutover.addingTimeInterval(100)
        #expect(!Rules.failureRate(detector, terminal: terminal, config: config, now: now).active)
        // 21 more successes: 19/40 = 47.5 % > 5 % + 10 %.
        detector.ingest((0..<21).map { tx(50 + Double($0), .card) }, terminal: terminal, observedAt: cutover)
        let condition = Rules.failureRate(detector, terminal: terminal, config: config, now: now)
        #expect(condition.active)
        #expect(condition.evidence["BASELINE_RATE"] == "0.0500")
        #expect(condition.evidence["SAMPLE_SIZE"] == "40")
        // Declines are customers' business, not failures: 40 declines do not breach.
        var declines = TerminalDetector()
        declines.ingest((0..<40).map { tx(Double($0), .card, nil, .declined) }, terminal: terminal, observedAt: cutover)
        #expect(!Rules.failureRate(declines, terminal: terminal, config: config, now: now).active)
    }

    @Test("payment-failure-rate falls back to baseline_default without enough history, and recovers")
    func failureRateDefaultBaseline() {
        var detector = TerminalDetector()
        var config = FailureRateRuleConfig()
        config.window = .seconds(100)
        config.minSample = 10
        config.baselineDefault = 0.02
        config.margin = 0.1
        detector.ingest(
            (0..<10).map { tx(Double($0), .card, nil, $0 < 2 ? .error : .approved) },
            terminal: terminal,
            observedAt: cutover
        )
        let condition = Rules.failureRate(
            detector,
            terminal: terminal,
            config: config,
            now: cutover.addingTimeInterval(20)
        )
        #expect(condition.active)  // 20 % > 2 % + 10 %
        #expect(condition.evidence["BASELINE_RATE"] == "0.0200")
        detector.ingest((0..<30).map { tx(100 + Double($0), .card) }, terminal: terminal, observedAt: cutover)
        let later = cutover.addingTimeInterval(135)
        detector.prune(now: later, config: DetectionSection())
        #expect(!Rules.failureRate(detector, terminal: terminal, config: config, now: later).active)
    }

    @Test("disabled rules produce no conditions")
    func disabled() {
        var config = DetectionSection()
        config.lingeringCreditPay.enabled = false
        config.creditPayAttempt.enabled = false
        config.terminalUnreachable.enabled = false
        config.paymentFailureRate.enabled = false
        #expect(Rules.evaluate(TerminalDetector(), terminal: terminal, config: config, now: cutover).isEmpty)
        #expect(
            Rules.evaluate(TerminalDetector(), terminal: terminal, config: DetectionSection(), now: cutover).count == 4
        )
    }
}

@Suite("Fixed-point formatting for journal fields")
struct FixedFormattingTests {
    @Test(
        "matches %.Nf for the values the rules produce",
        arguments: [0.0, 0.02, 0.123456, 1.0, 12.375, 0.05, 1e-9, 0.26, 100.0, 0.6, 0.03125, 1.25, 0.0125, 2.5]
    )
    func matchesPrintf(value: Double) {
        for places in [0, 1, 4] {
            #expect(Rules.fixed(value, places: places) == String(format: "%.\(places)f", value), "\(value) \(places)")
        }
    }
}
