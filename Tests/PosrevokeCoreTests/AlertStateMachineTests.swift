import Foundation
import PosrevokeCore
import Testing

@Suite("Alert lifecycle")
struct AlertStateMachineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test("without for: an active condition fires at once, repeats on schedule, and resolves")
    func immediate() {
        var machine = AlertStateMachine()
        let settings = (pendingFor: Duration.zero, repeatInterval: Duration.seconds(60))
        #expect(
            machine.observe(active: true, now: at(0), pendingFor: settings.0, repeatInterval: settings.1)
                == .announceFiring
        )
        #expect(machine.observe(active: true, now: at(30), pendingFor: settings.0, repeatInterval: settings.1) == .none)
        #expect(
            machine.observe(active: true, now: at(60), pendingFor: settings.0, repeatInterval: settings.1)
                == .repeatFiring
        )
        #expect(machine.observe(active: true, now: at(90), pendingFor: settings.0, repeatInterval: settings.1) == .none)
        #expect(
            machine.observe(active: false, now: at(95), pendingFor: settings.0, repeatInterval: settings.1)
                == .announceResolved
        )
        #expect(machine.state == .resolved(at: at(95), since: at(0)))
        #expect(
            machine.observe(active: false, now: at(99), pendingFor: settings.0, repeatInterval: settings.1) == .none
        )
    }

    @Test("for: holds an alert pending; a condition that clears early is never announced")
    func pending() {
        var machine = AlertStateMachine()
        let pendingFor = Duration.seconds(30)
        #expect(
            machine.observe(active: true, now: at(0), pendingFor: pendingFor, repeatInterval: .seconds(600))
                == .quietChange
        )
        #expect(
            machine.observe(active: true, now: at(29), pendingFor: pendingFor, repeatInterval: .seconds(600)) == .none
        )
        #expect(
            machine.observe(active: false, now: at(29.5), pendingFor: pendingFor, repeatInterval: .seconds(600))
                == .quietChange
        )
        #expect(machine.state == .inactive)
        #expect(
            machine.observe(active: true, now: at(40), pendingFor: pendingFor, repeatInterval: .seconds(600))
                == .quietChange
        )
        #expect(
            machine.observe(active: true, now: at(70), pendingFor: pendingFor, repeatInterval: .seconds(600))
                == .announceFiring
        )
        // Firing keeps the time the condition began, not the time the pending period ended.
        #expect(machine.state == .firing(since: at(40), lastAnnounced: at(70)))
    }

    @Test("a resolved alert fires again as a new episode")
    func refire() {
        var machine = AlertStateMachine()
        _ = machine.observe(active: true, now: at(0), pendingFor: .zero, repeatInterval: .seconds(600))
        _ = machine.observe(active: false, now: at(10), pendingFor: .zero, repeatInterval: .seconds(600))
        #expect(
            machine.observe(active: true, now: at(20), pendingFor: .zero, repeatInterval: .seconds(600))
                == .announceFiring
        )
        #expect(machine.state == .firing(since: at(20), lastAnnounced: at(20)))
    }

    @Test("the machine survives a round trip through its persisted form")
    func codable() throws {
        var machine = AlertStateMachine()
        _ = machine.observe(active: true, now: at(0), pendingFor: .zero, repeatInterval: .seconds(600))
        let restored = try JSONDecoder().decode(AlertStateMachine.self, from: JSONEncoder().encode(machine))
        #expect(restored == machine)
        var copy = restored
        // A restart does not re-announce an unchanged firing alert...
        #expect(copy.observe(active: true, now: at(5), pendingFor: .zero, repeatInterval: .seconds(600)) == .none)
        // ...but does announce a transition.
        #expect(
            copy.observe(active: false, now: at(6), pendingFor: .zero, repeatInterval: .seconds(600))
                == .announceResolved
        )
    }
}

@Suite("Alert book")
struct AlertBookTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("conditions are deduplicated by key and only transitions are announced")
    func dedup() {
        var book = AlertBook()
        let key = AlertKey(kind: .lingeringCreditPay, terminal: "t-1", provider: "wechat-payscore")
        let firing = Condition(key: key, active: true, evidence: ["TRANSACTION_ID": "x-1"], summary: "approved")
        let first = book.apply([firing, firing], store: "s-1", config: DetectionSection(), now: now)
        #expect(first.announcements.count == 1)
        #expect(first.announcements[0].fields["TRANSACTION_ID"] == "x-1")
        #expect(first.announcements[0].fields["ALERT_KEY"] == "lingering-credit-pay/t-1/wechat-payscore")
        let again = book.apply([firing], store: "s-1", config: DetectionSection(), now: now.addingTimeInterval(1))
        #expect(again.announcements.isEmpty)
        #expect(book.firingCount == 1)
        let cleared = Condition(key: key, active: false, summary: "quiet")
        let resolved = book.apply([cleared], store: "s-1", config: DetectionSection(), now: now.addingTimeInterval(2))
        #expect(resolved.announcements.map(\.phase) == [.resolved])
        #expect(resolved.announcements[0].priority == 5)
        #expect(book.firingCount == 0)
    }

    @Test("inactive conditions for unknown keys create no records")
    func noNoise() {
        var book = AlertBook()
        let quiet = Condition(key: AlertKey(kind: .terminalUnreachable, terminal: "t-1"), active: false, summary: "")
        let update = book.apply([quiet], store: "s", config: DetectionSection(), now: now)
        #expect(update.changed.isEmpty && update.announcements.isEmpty && book.records.isEmpty)
    }

    @Test("retiring a terminal resolves its firing alerts and forgets them")
    func retire() {
        var book = AlertBook()
        let key = AlertKey(kind: .terminalUnreachable, terminal: "t-9")
        _ = book.apply(
            [Condition(key: key, active: true, summary: "down")],
            store: "s",
            config: DetectionSection(),
            now: now
        )
        let (update, removed) = book.retire(terminals: ["t-9"], now: now)
        #expect(removed == [key])
        #expect(update.announcements.map(\.phase) == [.resolved])
        #expect(book.records.isEmpty)
    }

    @Test("alert keys print and parse back")
    func keys() {
        let key = AlertKey(kind: .paymentFailureRate, terminal: "t-1")
        #expect(key.description == "payment-failure-rate/t-1/-")
        #expect(AlertKey(key.description) == key)
        #expect(AlertKey("nonsense/t/-") == nil)
    }
}
