import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Testing

@Suite("Simulated fleet")
struct SimulatedFleetTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let cutover = Date(timeIntervalSince1970: 1_700_000_000)

    func inventory() -> [Terminal] {
        (1...20).map { n in
            Terminal(
                id: "t-\(n)",
                store: "s-\(n % 4)",
                pollInterval: .seconds(10),
                providers: [.wechatPayscore: ProviderCancellation(state: .cancelled, cutover: cutover)]
            )
        }
    }

    func simulation(missed: [String] = ["t-3"]) -> SimulationSection {
        var simulation = SimulationSection()
        simulation.seed = 7
        simulation.transactionsPerMinute = 60
        simulation.creditPayShare = 0.3
        simulation.scenario.missedUpdate = missed
        simulation.scenario.stillTryingShare = 0.05
        return simulation
    }

    func allTransactions(_ fleet: SimulatedFleet, until: Date) throws -> [Transaction] {
        try inventory().flatMap { try fleet.transactions(of: $0.id, after: 0, limit: 100_000, now: until).transactions }
    }

    @Test("the same seed gives the same traffic; another seed differs")
    func deterministic() throws {
        let end = start.addingTimeInterval(600)
        let a = try allTransactions(
            SimulatedFleet(simulation: simulation(), terminals: inventory(), start: start),
            until: end
        )
        let b = try allTransactions(
            SimulatedFleet(simulation: simulation(), terminals: inventory(), start: start),
            until: end
        )
        #expect(a == b)
        #expect(a.count > 20 * 5 * 60 / 2)
        var other = simulation()
        other.seed = 8
        let c = try allTransactions(SimulatedFleet(simulation: other, terminals: inventory(), start: start), until: end)
        #expect(a != c)
    }

    @Test("only missed-update terminals approve credit-score pay after cutover; others decline attempts")
    func lingeringOnlyWhereScripted() throws {
        let fleet = SimulatedFleet(simulation: simulation(), terminals: inventory(), start: start)
        let txs = try allTransactions(fleet, until: start.addingTimeInterval(600))
        let approvedCredit = txs.filter { $0.method == .creditScorePay && $0.outcome == .approved }
        #expect(!approvedCredit.isEmpty)
        #expect(Set(approvedCredit.map { $0.id.split(separator: "-").prefix(2).joined(separator: "-") }) == ["t-3"])
        #expect(txs.contains { $0.method == .creditScorePay && $0.outcome == .declined && !$0.id.hasPrefix("t-3-") })
        #expect(Set(PaymentMethod.allCases).isSubset(of: Set(txs.map(\.method))))
        #expect(fleet.lingeringTerminals == ["t-3"])
    }

    @Test("cursors page through the log without gaps or repeats, and seq only grows")
    func paging() throws {
        let fleet = SimulatedFleet(simulation: simulation(), terminals: inventory(), start: start)
        let now = start.addingTimeInterval(300)
        var cursor: Int64 = 0
        var seen: [Transaction] = []
        while true {
            let page = try fleet.transactions(of: "t-1", after: cursor, limit: 7, now: now)
            if page.transactions.isEmpty { break }
            seen += page.transactions
            cursor = page.nextAfter
        }
        #expect(seen.map(\.seq) == Array(1...Int64(seen.count)))
        #expect(Set(seen.map(\.id)).count == seen.count)
    }

    @Test("offline windows make a terminal unreachable only while they last")
    func offline() {
        var settings = simulation()
        settings.scenario.offline = [OfflineWindow(terminal: "t-2", after: .seconds(10), duration: .seconds(20))]
        let fleet = SimulatedFleet(simulation: settings, terminals: inventory(), start: start)
        #expect(throws: Never.self) {
            try fleet.transactions(of: "t-2", after: 0, limit: 10, now: start.addingTimeInterval(5))
        }
        #expect(throws: SimulatedFleet.Unreachable.self) {
            try fleet.transactions(of: "t-2", after: 0, limit: 10, now: start.addingTimeInterval(15))
        }
        #expect(throws: Never.self) {
            try fleet.transactions(of: "t-2", after: 0, limit: 10, now: start.addingTimeInterval(31))
        }
    }

    @Test("an error burst raises the error rate of one method in one store")
    func errorBurst() throws {
        var settings = simulation(missed: [])
        settings.scenario.errorBursts = [
            ErrorBurst(store: "s-1", method: .card, after: .zero, duration: .seconds(600), errorRate: 0.8)
        ]
        let fleet = SimulatedFleet(simulation: settings, terminals: inventory(), start: start)
        let txs = try allTransactions(fleet, until: start.addingTimeInterval(600))
        func errorRate(_ filter: (Transaction) -> Bool) -> Double {
            let chosen = txs.filter(filter)
            return Double(chosen.filter { $0.outcome == .error }.count) / Double(max(chosen.count, 1))
        }
        let inBurst = errorRate {
            $0.method == .card
                && ["t-1", "t-5", "t-9", "t-13", "t-17"].contains(
                    String($0.id.split(separator: "-").prefix(2).joined(separator: "-"))
                )
        }
        let elsewhere = errorRate { $0.method == .card && $0.id.hasPrefix("t-2-") }
        #expect(inBurst > 0.6)
        #expect(elsewhere < 0.1)
    }

    @Test("a reload adds and removes terminals while existing ones keep their log")
    func reconfigure() throws {
        let fleet = SimulatedFleet(simulation: simulation(), terminals: inventory(), start: start)
        let before = try fleet.transactions(of: "t-1", after: 0, limit: 1000, now: start.addingTimeInterval(60))
        var terminals = inventory().filter { $0.id != "t-20" }
        terminals.append(Terminal(id: "t-new", store: "s-1", pollInterval: .seconds(10), providers: [:]))
        fleet.reconfigure(simulation: simulation(), terminals: terminals)
        let after = try fleet.transactions(of: "t-1", after: 0, limit: 1000, now: start.addingTimeInterval(60))
        #expect(before == after)
        #expect(throws: SimulatedFleet.Unreachable.self) { try fleet.status(of: "t-20", now: start) }
        #expect(throws: Never.self) { try fleet.status(of: "t-new", now: start) }
    }
}
