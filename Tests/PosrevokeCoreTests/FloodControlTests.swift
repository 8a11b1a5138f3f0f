import Foundation
import PosrevokeCore
import Testing

@Suite("Flood control")
struct FloodControlTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func unreachable(_ n: Int, stores: Int, at time: Date) -> [Announcement] {
        (0..<n).map { i in
            Announcement(
                key: AlertKey(kind: .terminalUnreachable, terminal: "t-\(i)"),
                phase: .firing,
                store: "s-\(i % stores)",
                since: time,
                at: time,
                summary: "down"
            )
        }
    }

    @Test("ordinary traffic passes one entry per transition")
    func calm() {
        var gate = FloodControl(burst: 50, ratePerSecond: 10, summaryInterval: .seconds(10))
        let out = gate.admit(unreachable(5, stores: 2, at: t0), now: t0)
        #expect(out.count == 5)
        #expect(out.allSatisfy { if case .single = $0 { true } else { false } })
        #expect(gate.suppressedTotal == 0)
    }

    @Test("2,000 terminals failing together become a handful of store summaries")
    func storeStorm() {
        var gate = FloodControl(burst: 50, ratePerSecond: 10, summaryInterval: .seconds(10))
        var written = gate.admit(unreachable(2000, stores: 10, at: t0), now: t0)
        #expect(written.isEmpty)
        #expect(gate.inStorm)
        for second in 1...10 {
            written += gate.admit([], now: t0.addingTimeInterval(Double(second)))
        }
        #expect(!gate.inStorm)
        #expect(written.count == 10)
        var covered = 0
        for emission in written {
            guard case .summary(let summary) = emission else {
                Issue.record("expected only summaries, got \(emission)")
                continue
            }
            #expect(summary.store != nil)
            #expect(summary.fields["MESSAGE_ID"] == MessageID.alertSummary)
            covered += summary.terminals.count
        }
        #expect(covered == 2000)
        #expect(gate.suppressedTotal == 1990)
    }

    @Test("a storm across more stores than tokens collapses to one fleet summary")
    func fleetStorm() {
        var gate = FloodControl(burst: 5, ratePerSecond: 0.1, summaryInterval: .seconds(2))
        _ = gate.admit(unreachable(2000, stores: 200, at: t0), now: t0)
        let written = gate.admit([], now: t0.addingTimeInterval(2))
        #expect(written.count == 1)
        guard case .summary(let summary) = written.first else {
            Issue.record("expected a fleet summary")
            return
        }
        #expect(summary.store == nil)
        #expect(summary.fields["ALERT_SCOPE"] == "fleet")
        #expect(summary.fields["ALERT_COUNT"] == "2000")
        #expect(summary.stores.count == 200)
        #expect(summary.fields["TERMINAL_IDS"]?.split(separator: ",").count == AlertSummary.sampleSize)
    }

    @Test("transitions arriving during a storm join it; afterwards the bucket refills")
    func joinAndRecover() {
        var gate = FloodControl(burst: 10, ratePerSecond: 5, summaryInterval: .seconds(5))
        _ = gate.admit(unreachable(100, stores: 1, at: t0), now: t0)
        _ = gate.admit(
            unreachable(3, stores: 1, at: t0).map {
                var a = $0; a.key.terminal += "-late"; return a
            },
            now: t0.addingTimeInterval(1)
        )
        let closed = gate.admit([], now: t0.addingTimeInterval(5))
        guard case .summary(let summary) = closed.first, closed.count == 1 else {
            Issue.record("expected one store summary, got \(closed)")
            return
        }
        #expect(summary.terminals.count == 103)
        let later = gate.admit(unreachable(3, stores: 1, at: t0), now: t0.addingTimeInterval(10))
        #expect(later.count == 3)
    }
}
