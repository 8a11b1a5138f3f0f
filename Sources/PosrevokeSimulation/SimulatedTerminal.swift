import Foundation
public import PosrevokeCore

/// One simulated terminal: its random stream, its transaction log and the methods switched off on it.
struct SimulatedTerminal: Sendable {
    var terminal: Terminal
    /// Providers switched off on this terminal (by command or update), and when.
    var disabled: [CreditProvider: Date] = [:]
    private let start: Date
    private var rng: SplitMix64
    private var nextEvent: Date
    private var primed = false
    private var nextSeq: Int64 = 1
    private var log: [Transaction] = []
    /// Every payment ever made here, by method, provider and outcome (for `/metrics`).
    private(set) var totals: [TransactionTotal: Int] = [:]
    private var feedback: SimulatedFeedback

    init(terminal: Terminal, seed: UInt64, start: Date) {
        self.terminal = terminal
        self.rng = SplitMix64(seed: seed, stream: terminal.id)
        self.start = start
        self.nextEvent = start
        self.feedback = SimulatedFeedback(terminalID: terminal.id, seed: seed, start: start)
    }

    /// Feedback entries after `cursor`, generating those due up to `now` first.
    mutating func feedbackPage(
        after cursor: Int64,
        limit: Int,
        now: Date,
        simulation: SimulationSection
    ) -> FeedbackPage {
        let terminal = self.terminal
        let disabled = self.disabled
        feedback.advance(to: now, terminal: terminal, simulation: simulation) { time in
            terminal.providers.values.contains { $0.isAfterCutover(time) } || disabled.values.contains { time >= $0 }
        }
        return feedback.page(after: cursor, limit: limit)
    }

    var hasCancelledProvider: Bool { terminal.providers.values.contains { $0.state == .cancelled } }

    /// Generates every payment due up to `now`.
    mutating func advance(to now: Date, simulation: SimulationSection) {
        let ratePerSecond = simulation.transactionsPerMinute / 60
        guard ratePerSecond > 0 else { return }
        if !primed {
            primed = true
            nextEvent = nextEvent.addingTimeInterval(rng.exponential(ratePerSecond: ratePerSecond))
        }
        while nextEvent <= now {
            let transaction = makeTransaction(at: nextEvent, simulation: simulation)
            totals[TransactionTotal(transaction), default: 0] += 1
            log.append(transaction)
            nextEvent = nextEvent.addingTimeInterval(rng.exponential(ratePerSecond: ratePerSecond))
        }
        if log.count > SimulatedFleet.retainedTransactions {
            log.removeFirst(log.count - SimulatedFleet.retainedTransactions)
        }
    }

    func page(after cursor: Int64, limit: Int) -> TransactionPage {
        let items = Array(log.lazy.filter { $0.seq > cursor }.prefix(limit))
        return TransactionPage(transactions: items, nextAfter: items.last?.seq ?? max(cursor, 0))
    }

    func status(now: Date, simulation: SimulationSection) -> TerminalStatus {
        let scenario = simulation.scenario
        let lingering = scenario.missedUpdate.contains(terminal.id)
        var methods: [TerminalStatus.Method] = [
            .init(method: .card, provider: nil, enabled: true),
            .init(method: .qr, provider: "wechat", enabled: true),
            .init(method: .qr, provider: "alipay", enabled: true),
            .init(method: .cash, provider: nil, enabled: true),
        ]
        for provider in terminal.providers.keys.sorted() {
            let cut = terminal.providers[provider]?.state == .cancelled
            let enabled = disabled[provider] == nil && (!cut || lingering)
            methods.append(.init(method: .creditScorePay, provider: provider.rawValue, enabled: enabled))
        }
        return TerminalStatus(
            terminalID: terminal.id,
            model: "SIM-A920",
            firmware: lingering ? "3.1.0" : "3.2.0",
            time: now,
            peripherals: peripherals(now: now, simulation: simulation),
            paymentMethods: methods
        )
    }

    private mutating func makeTransaction(at time: Date, simulation: SimulationSection) -> Transaction {
        let seq = nextSeq
        nextSeq += 1
        let scenario = simulation.scenario
        let amount = Int64(500 + rng.unit() * rng.unit() * 40_000)
        var method = PaymentMethod.card
        var provider: String?
        var outcome = PaymentOutcome.approved
        var errorCode: String?

        let providers = terminal.providers.keys.sorted()
        let wantsCredit = !providers.isEmpty && rng.unit() < simulation.creditPayShare
        if wantsCredit, let chosen = providers.randomElement(using: &rng) {
            let cancellation = terminal.providers[chosen]
            let switchedOff = disabled[chosen].map { time >= $0 } ?? false
            let afterCutover = (cancellation?.isAfterCutover(time) ?? false) || switchedOff
            // A terminal that missed the update keeps approving, whatever its settings screen says.
            let lingering = scenario.missedUpdate.contains(terminal.id)
            if !afterCutover || lingering {
                method = .creditScorePay
                provider = chosen.rawValue
                outcome = rng.unit() < 0.03 ? .declined : .approved
            } else if rng.unit() < scenario.stillTryingShare / max(simulation.creditPayShare, 0.0001) {
                method = .creditScorePay
                provider = chosen.rawValue
                outcome = .declined
                errorCode = "PAYMENT_METHOD_DISABLED"
            }
        }
        if method != .creditScorePay {
            let draw = rng.unit()
            method = draw < 0.5 ? .card : (draw < 0.9 ? .qr : .cash)
            provider = method == .qr ? (rng.unit() < 0.55 ? "wechat" : "alipay") : nil
            let burstRate = activeBurstRate(method: method, time: time, simulation: simulation)
            let outcomeDraw = rng.unit()
            if outcomeDraw < (burstRate ?? 0.01) {
                outcome = .error
                errorCode = burstRate == nil ? "HOST_TIMEOUT" : "ACQUIRER_UNAVAILABLE"
            } else if method != .cash && outcomeDraw < (burstRate ?? 0.01) + 0.03 {
                outcome = .declined
                errorCode = "INSUFFICIENT_FUNDS"
            }
        }
        return Transaction(
            seq: seq,
            id: "\(terminal.id)-\(seq)",
            time: time,
            method: method,
            provider: provider,
            amountMinor: amount,
            currency: "CNY",
            outcome: outcome,
            errorCode: errorCode
        )
    }

    /// Provider-specific peripherals still attached: removed `hardware_removal_after` once the provider is off.
    func peripherals(now: Date, simulation: SimulationSection) -> [String] {
        terminal.providers.keys.sorted().compactMap { provider in
            guard
                SimulatedPlatform.draw(simulation.seed, "peripheral/\(terminal.id)/\(provider.rawValue)")
                    < simulation.scenario.peripheralShare
            else { return nil }
            if let off = disabled[provider],
                now.timeIntervalSince(off) >= simulation.scenario.hardwareRemovalAfter.seconds
            {
                return nil
            }
            return "\(provider.rawValue)-scanner"
        }
    }

    /// The error rate of a scripted burst covering this store, method and moment, if any.
    private func activeBurstRate(method: PaymentMethod, time: Date, simulation: SimulationSection) -> Double? {
        let elapsed = time.timeIntervalSince(start)
        return simulation.scenario.errorBursts.first { burst in
            burst.store == terminal.store && burst.method == method && elapsed >= burst.after.seconds
                && elapsed < burst.after.seconds + burst.duration.seconds
        }?.errorRate
    }
}

/// One counter of a terminal's payments: method, provider and outcome.
public struct TransactionTotal: Sendable, Hashable {
    public var method: PaymentMethod
    public var provider: String?
    public var outcome: PaymentOutcome

    init(_ transaction: Transaction) {
        method = transaction.method
        provider = transaction.provider
        outcome = transaction.outcome
    }
}
