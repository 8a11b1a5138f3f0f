public import Foundation

/// The four detection rules, each a pure function of a terminal's detector memory, its config and the time.
public enum Rules {
    /// Every condition for `terminal` at `now`, for the rules that are enabled.
    public static func evaluate(
        _ detector: TerminalDetector,
        terminal: Terminal,
        config: DetectionSection,
        now: Date
    ) -> [Condition] {
        var conditions: [Condition] = []
        if config.lingeringCreditPay.enabled {
            conditions += lingering(detector, terminal: terminal, config: config.lingeringCreditPay, now: now)
        }
        if config.creditPayAttempt.enabled {
            conditions += attempts(detector, terminal: terminal, config: config.creditPayAttempt, now: now)
        }
        if config.terminalUnreachable.enabled {
            conditions.append(unreachable(detector, terminal: terminal, config: config.terminalUnreachable))
        }
        if config.paymentFailureRate.enabled {
            conditions.append(failureRate(detector, terminal: terminal, config: config.paymentFailureRate, now: now))
        }
        return conditions
    }

    /// `lingering-credit-pay`: active while an approved post-cutover credit payment was seen within `resolve_after`.
    public static func lingering(
        _ detector: TerminalDetector,
        terminal: Terminal,
        config: LingeringRuleConfig,
        now: Date
    ) -> [Condition] {
        cancelledProviders(terminal).map { provider in
            let key = AlertKey(kind: .lingeringCreditPay, terminal: terminal.id, provider: provider.rawValue)
            guard let evidence = detector.lingering[provider.rawValue],
                now.timeIntervalSince(evidence.lastSeen) < config.resolveAfter.seconds
            else {
                return Condition(key: key, active: false, summary: "no \(provider.rawValue) payment since cutover")
            }
            let amount = String(format: "%.2f", Double(evidence.lastAmountMinor) / 100)
            return Condition(
                key: key,
                active: true,
                evidence: [
                    "TRANSACTION_ID": evidence.lastTransactionID,
                    "TRANSACTION_TIME": evidence.lastTransactionTime.formatted(.iso8601),
                    "FIRST_TRANSACTION_ID": evidence.firstTransactionID,
                    "LINGERING_COUNT": String(evidence.count),
                    "CUTOVER": terminal.providers[provider]?.cutover?.formatted(.iso8601) ?? "",
                ],
                summary: "\(provider.rawValue) approved \(amount) \(evidence.currency) after cutover "
                    + "(transaction \(evidence.lastTransactionID), \(evidence.count) so far); the terminal still "
                    + "accepts credit-score pay"
            )
        }
    }

    /// `credit-pay-attempt`: at least `threshold` declined or failed attempts inside `window`.
    public static func attempts(
        _ detector: TerminalDetector,
        terminal: Terminal,
        config: AttemptRuleConfig,
        now: Date
    ) -> [Condition] {
        cancelledProviders(terminal).map { provider in
            let key = AlertKey(kind: .creditPayAttempt, terminal: terminal.id, provider: provider.rawValue)
            let horizon = now.addingTimeInterval(-config.window.seconds)
            let count = detector.attempts[provider.rawValue, default: []].filter { $0 >= horizon && $0 <= now }.count
            let window = DurationText.format(config.window)
            return Condition(
                key: key,
                active: count >= config.threshold,
                evidence: ["ATTEMPT_COUNT": String(count), "WINDOW": window],
                summary: "\(count) customers tried \(provider.rawValue) in the last \(window) after it was "
                    + "cancelled; tell them which methods are accepted"
            )
        }
    }

    /// `terminal-unreachable`: `consecutive_failures` polls in a row failed.
    public static func unreachable(
        _ detector: TerminalDetector,
        terminal: Terminal,
        config: UnreachableRuleConfig
    ) -> Condition {
        let key = AlertKey(kind: .terminalUnreachable, terminal: terminal.id)
        var evidence = ["FAILED_POLLS": String(detector.failedPolls)]
        if let error = detector.lastPollError { evidence["POLL_ERROR"] = error }
        return Condition(
            key: key,
            active: detector.failedPolls >= config.consecutiveFailures,
            evidence: evidence,
            summary: "\(detector.failedPolls) polls in a row failed: \(detector.lastPollError ?? "no error")"
        )
    }

    /// `payment-failure-rate`: the remaining methods fail more than `margin` above the pre-cutover baseline.
    public static func failureRate(
        _ detector: TerminalDetector,
        terminal: Terminal,
        config: FailureRateRuleConfig,
        now: Date
    ) -> Condition {
        let key = AlertKey(kind: .paymentFailureRate, terminal: terminal.id)
        let horizon = now.addingTimeInterval(-config.window.seconds)
        let window = detector.recentOutcomes.filter { $0.time >= horizon && $0.time <= now }
        let failures = window.filter(\.failed).count
        let rate = window.isEmpty ? 0 : Double(failures) / Double(window.count)
        let baseline =
            detector.baselineTotal >= config.baselineMinSample
            ? Double(detector.baselineFailures) / Double(detector.baselineTotal)
            : config.baselineDefault
        let percent = { (value: Double) in fixed(value * 100, places: 1) + "%" }
        return Condition(
            key: key,
            active: window.count >= config.minSample && rate > baseline + config.margin,
            evidence: [
                "FAILURE_RATE": fixed(rate, places: 4),
                "BASELINE_RATE": fixed(baseline, places: 4),
                "SAMPLE_SIZE": String(window.count),
            ],
            summary: "\(failures) of \(window.count) card, QR and cash payments failed in the last "
                + "\(DurationText.format(config.window)) (\(percent(rate)) against a \(percent(baseline)) baseline)"
        )
    }

    /// `value` with `places` decimals, like `%.Nf`. Foundation's formatter costs too much here: this rule runs for
    /// every terminal every second.
    package static func fixed(_ value: Double, places: Int) -> String {
        var unit: Int64 = 1
        for _ in 0..<places { unit *= 10 }
        let raw = abs(value) * Double(unit)
        let scaled = raw.rounded()
        // Exact ties round to even in printf; rare enough to leave to it.
        guard value.isFinite, scaled < 1e15, raw - raw.rounded(.down) != 0.5 else {
            return String(format: "%.\(places)f", value)
        }
        let n = Int64(scaled)
        let fraction = String(n % unit)
        let sign = value < 0 && n != 0 ? "-" : ""
        guard places > 0 else { return sign + String(n) }
        return sign + String(n / unit) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    private static func cancelledProviders(_ terminal: Terminal) -> [CreditProvider] {
        terminal.providers.filter { $0.value.state == .cancelled }.keys.sorted()
    }
}
