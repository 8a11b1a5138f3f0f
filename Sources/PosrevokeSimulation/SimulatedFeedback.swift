import Foundation
import PosrevokeCore

/// One simulated terminal's feedback screen: customers and cashiers rate and comment at a steady rate, and
/// the mix turns sourer after cutover (much sourer at the scenario's unhappy stores).
struct SimulatedFeedback: Sendable {
    static let retained = 2000
    private var rng: SplitMix64
    private var nextEvent: Date
    private var primed = false
    private var nextSeq: Int64 = 1
    private var log: [FeedbackEntry] = []

    init(terminalID: String, seed: UInt64, start: Date) {
        self.rng = SplitMix64(seed: seed, stream: "\(terminalID)/feedback")
        self.nextEvent = start
    }

    /// Generates every entry due up to `now`; `afterCutover` says whether a moment is past the terminal's cutover.
    mutating func advance(
        to now: Date,
        terminal: Terminal,
        simulation: SimulationSection,
        afterCutover: (Date) -> Bool
    ) {
        let ratePerSecond = simulation.feedbackPerHour / 3600
        guard ratePerSecond > 0 else { return }
        if !primed {
            primed = true
            nextEvent = nextEvent.addingTimeInterval(rng.exponential(ratePerSecond: ratePerSecond))
        }
        let unhappy = simulation.scenario.unhappyStores.contains(terminal.store)
        while nextEvent <= now {
            log.append(makeEntry(at: nextEvent, terminal: terminal, after: afterCutover(nextEvent), unhappy: unhappy))
            nextEvent = nextEvent.addingTimeInterval(rng.exponential(ratePerSecond: ratePerSecond))
        }
        if log.count > Self.retained { log.removeFirst(log.count - Self.retained) }
    }

    func page(after cursor: Int64, limit: Int) -> FeedbackPage {
        let items = Array(log.lazy.filter { $0.seq > cursor }.prefix(limit))
        return FeedbackPage(feedback: items, nextAfter: items.last?.seq ?? max(cursor, 0))
    }

    private mutating func makeEntry(at time: Date, terminal: Terminal, after: Bool, unhappy: Bool) -> FeedbackEntry {
        let seq = nextSeq
        nextSeq += 1
        let negativeShare = after ? (unhappy ? 0.6 : 0.15) : 0.1
        let mix: [(String, Double)] =
            after
            ? (unhappy
                ? [("wants-credit-pay", 0.5), ("payment-failed", 0.3), ("notice-unclear", 0.2)]
                : [
                    ("wants-credit-pay", 0.4), ("notice-unclear", 0.25), ("payment-failed", 0.15),
                    ("slow-checkout", 0.2),
                ])
            : [("slow-checkout", 0.4), ("payment-failed", 0.3), ("other", 0.3)]
        let rating: Int
        let category: String
        if rng.unit() < negativeShare {
            rating = rng.unit() < 0.5 ? 1 : 2
            category = pick(mix)
        } else {
            let draw = rng.unit()
            rating = draw < 0.15 ? 3 : (draw < 0.5 ? 4 : 5)
            category = "other"
        }
        let phrases = Self.comments[category] ?? Self.comments["other"]!
        let comment = rating >= 4 ? Self.praise.randomElement(using: &rng)! : phrases.randomElement(using: &rng)!
        return FeedbackEntry(
            seq: seq,
            id: "\(terminal.id)-fb-\(seq)",
            time: time,
            source: rng.unit() < 0.8 ? .customer : .cashier,
            rating: rating,
            category: category,
            comment: comment
        )
    }

    private mutating func pick(_ mix: [(String, Double)]) -> String {
        var draw = rng.unit()
        for (name, share) in mix {
            if draw < share { return name }
            draw -= share
        }
        return mix.last!.0
    }

    private static let comments: [String: [String]] = [
        "wants-credit-pay": ["为什么不能用支付分了？", "I always paid with Pay Score here", "希望恢复先享后付", "信用分支付去哪了"],
        "payment-failed": ["扫码付款失败了两次", "Card payment failed, had to pay cash", "二维码扫不出来", "付款一直转圈"],
        "notice-unclear": ["收银台的提示看不懂", "The notice didn't say which methods work", "没看到停用通知"],
        "slow-checkout": ["排队太久", "Checkout took ages today", "收银员找不到付款方式"],
        "other": ["一般", "It was fine", "", "店员态度还可以"],
    ]
    private static let praise = ["服务很好", "Quick and friendly", "", "付款很顺利", "Smooth checkout"]
}
