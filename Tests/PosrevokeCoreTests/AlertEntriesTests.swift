import Foundation
import PosrevokeCore
import Testing

@Suite("Alert entries")
struct AlertEntriesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func unreachable(_ n: Int, stores: Int) -> [(id: Int64, announcement: Announcement)] {
        (0..<n).map { i in
            let announcement = Announcement(
                key: AlertKey(kind: .terminalUnreachable, terminal: "t-\(i)"),
                phase: .firing,
                store: "s-\(i % stores)",
                since: t0,
                at: t0,
                summary: "down"
            )
            return (Int64(100 + i), announcement)
        }
    }

    @Test("a storm notifies with summaries, and every terminal's transition is still its own entry, below notice")
    func storm() {
        var gate = FloodControl(burst: 20, ratePerSecond: 5, summaryInterval: .seconds(5))
        let rows = unreachable(500, stores: 30)
        var emissions = gate.admit(rows.map(\.announcement), now: t0)
        for second in 1...5 { emissions += gate.admit([], now: t0.addingTimeInterval(Double(second))) }
        let entries = AlertEntries.entries(for: emissions, outbox: rows)

        let notifying = entries.filter { $0.priority <= 5 }
        #expect(!notifying.isEmpty && notifying.count <= 40, "\(notifying.count) notifying entries")
        #expect(notifying.allSatisfy { $0.fields["MESSAGE_ID"] == MessageID.alertSummary })
        #expect(notifying.allSatisfy { $0.priority == 4 }, "summaries keep the kind's priority")

        let members = entries.filter { $0.fields["ALERT_COALESCED"] == "1" }
        #expect(members.allSatisfy { $0.priority == AlertEntries.coalescedPriority })
        #expect(Set(members.compactMap { $0.fields["TERMINAL_ID"] }) == Set((0..<500).map { "t-\($0)" }))
        #expect(members.allSatisfy { $0.fields["MESSAGE_ID"] == AlertKind.terminalUnreachable.messageID })
        // Every outbox row is settled exactly once, and only by its own entry.
        let settled = entries.flatMap(\.settles)
        #expect(settled.sorted() == rows.map(\.id))
        for member in members {
            let row = rows.first { $0.id == member.settles.first }
            #expect(row?.announcement.key.terminal == member.fields["TERMINAL_ID"])
        }
    }

    @Test("calm traffic: one entry per transition, each settling its own row")
    func calm() {
        var gate = FloodControl(burst: 50, ratePerSecond: 10, summaryInterval: .seconds(10))
        let rows = unreachable(3, stores: 2)
        let entries = AlertEntries.entries(for: gate.admit(rows.map(\.announcement), now: t0), outbox: rows)
        #expect(entries.map(\.settles) == [[100], [101], [102]])
        #expect(entries.allSatisfy { $0.fields["ALERT_COALESCED"] == nil && $0.priority == 4 })
    }

    @Test("rows no emission names are still written, so none is lost")
    func unclaimed() {
        let rows = unreachable(2, stores: 1)
        let entries = AlertEntries.entries(for: [.single(rows[0].announcement)], outbox: rows)
        #expect(entries.flatMap(\.settles) == [100, 101])
    }
}
