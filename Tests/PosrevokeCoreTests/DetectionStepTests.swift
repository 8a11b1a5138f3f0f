import Foundation
import PosrevokeCore
import Testing

@Suite("Detection step: a batch in, memory, alert records and announcements out")
struct DetectionStepTests {
    let cutover = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { cutover.addingTimeInterval(600) }
    let step = DetectionStep(config: DetectionSection())

    func terminal(_ id: String) -> Terminal {
        Terminal(
            id: id,
            store: "s-1",
            pollInterval: .seconds(10),
            providers: [.wechatPayscore: ProviderCancellation(state: .cancelled, cutover: cutover)]
        )
    }

    func creditPay(_ id: String, at time: Date) -> Transaction {
        Transaction(
            seq: 1,
            id: id,
            time: time,
            method: .creditScorePay,
            provider: "wechat-payscore",
            amountMinor: 100,
            currency: "CNY",
            outcome: .approved,
            errorCode: nil
        )
    }

    @Test("an approved credit-score payment after cutover fires at once; the terminal's new memory is returned")
    func lingering() {
        var book = AlertBook(records: [:])
        let output = step.run(
            [(terminal("t-1"), .polled(fresh: [creditPay("a", at: now.addingTimeInterval(-5))]))],
            detectors: [:],
            alerts: &book,
            now: now
        )
        #expect(output.alerts.announcements.map(\.key.kind) == [.lingeringCreditPay])
        #expect(output.alerts.changed.map(\.key.terminal) == ["t-1"])
        #expect(output.detectors.keys.sorted() == ["t-1"])
        #expect(book.firingCount == 1)
    }

    @Test("a terminal observed three times in one batch: one memory, the latest; failures add up to unreachable")
    func repeatedTerminal() {
        var book = AlertBook(records: [:])
        let t = terminal("t-2")
        let output = step.run(
            [(t, .failed(reason: "refused")), (t, .failed(reason: "refused")), (t, .failed(reason: "timed out"))],
            detectors: [:],
            alerts: &book,
            now: now
        )
        #expect(output.detectors.count == 1)
        #expect(output.alerts.announcements.map(\.key.kind) == [.terminalUnreachable])
        #expect(book.firingCount == 1)
    }

    @Test("nothing new on a quiet terminal with memory: nothing to save and nothing to announce")
    func quiet() {
        var book = AlertBook(records: [:])
        let t = terminal("t-3")
        let first = step.run([(t, .polled(fresh: []))], detectors: [:], alerts: &book, now: now)
        let memory = first.detectors
        #expect(memory.count == 1, "a terminal without stored memory gets it saved once")
        let second = step.run([(t, .polled(fresh: [])), (t, .clock)], detectors: memory, alerts: &book, now: now)
        #expect(second.detectors.isEmpty && second.alerts.changed.isEmpty && second.alerts.announcements.isEmpty)
    }

    @Test("a payment before cutover is ordinary traffic")
    func beforeCutover() {
        var book = AlertBook(records: [:])
        let output = step.run(
            [(terminal("t-4"), .polled(fresh: [creditPay("b", at: cutover.addingTimeInterval(-60))]))],
            detectors: [:],
            alerts: &book,
            now: now
        )
        #expect(output.alerts.announcements.isEmpty && book.firingCount == 0)
    }
}
