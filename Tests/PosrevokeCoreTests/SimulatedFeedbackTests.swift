import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Testing

@Suite("Simulated feedback and its config")
struct SimulatedFeedbackTests {
    @Test("pages follow the cursor without gaps, re-reads repeat the same ids, and a seed replays the same entries")
    func cursor() throws {
        var simulation = SimulationSection()
        simulation.feedbackPerHour = 3600
        let cutover = Date(timeIntervalSince1970: 1_800_000_000)
        let terminal = Terminal(
            id: "t-1",
            store: "s-1",
            pollInterval: .seconds(1),
            providers: [.wechatPayscore: .init(state: .cancelled, cutover: cutover)]
        )
        let start = cutover.addingTimeInterval(-600)
        let fleet = SimulatedFleet(simulation: simulation, terminals: [terminal], start: start)
        let now = cutover.addingTimeInterval(600)
        var cursor: Int64 = 0
        var seqs: [Int64] = []
        while true {
            let page = try fleet.feedback(of: "t-1", after: cursor, limit: 50, now: now)
            if page.feedback.isEmpty { break }
            seqs += page.feedback.map(\.seq)
            cursor = page.nextAfter
        }
        #expect(seqs.count > 200 && seqs == Array(1...Int64(seqs.count)))
        let again = try fleet.feedback(of: "t-1", after: 10, limit: 5, now: now)
        let twin = SimulatedFleet(simulation: simulation, terminals: [terminal], start: start)
        #expect(try twin.feedback(of: "t-1", after: 10, limit: 5, now: now) == again)
        #expect(again.feedback.map(\.id) == (11...15).map { "t-1-fb-\($0)" })
    }

    @Test("after cutover an unhappy store turns sour, a normal one much less")
    func shift() throws {
        var simulation = SimulationSection()
        simulation.feedbackPerHour = 1800
        simulation.scenario.unhappyStores = ["s-2"]
        let cutover = Date(timeIntervalSince1970: 1_800_000_000)
        let terminals = ["s-1", "s-2"].map {
            Terminal(
                id: "t-\($0)",
                store: $0,
                pollInterval: .seconds(1),
                providers: [.wechatPayscore: .init(state: .cancelled, cutover: cutover)]
            )
        }
        let fleet = SimulatedFleet(
            simulation: simulation,
            terminals: terminals,
            start: cutover.addingTimeInterval(-1800)
        )
        let config = FeedbackSection()
        func share(_ id: String, after: Bool) throws -> Double {
            let entries = try fleet.feedback(of: id, after: 0, limit: 100_000, now: cutover.addingTimeInterval(1800))
                .feedback
                .filter { ($0.time >= cutover) == after }
            return Double(entries.filter { config.isNegative(rating: $0.rating, category: $0.category) }.count)
                / Double(entries.count)
        }
        #expect(try share("t-s-2", after: false) < 0.2)
        #expect(try share("t-s-2", after: true) > 0.45)
        #expect(try share("t-s-1", after: true) < 0.3)
        let categories = Set(
            try fleet.feedback(of: "t-s-2", after: 0, limit: 100_000, now: cutover.addingTimeInterval(1800)).feedback
                .map(\.category)
        )
        #expect(categories.isSubset(of: Set(config.categories)) && categories.contains("wants-credit-pay"))
    }

    @Test("the feedback section is read strictly")
    func config() throws {
        let good = try ConfigParser.parse(
            yaml: """
                feedback:
                  categories: [wants-credit-pay, payment-failed, other, hardware]
                  negative_categories: [wants-credit-pay]
                  digest: {at: "07:30", time_zone: Asia/Shanghai}
                detection:
                  negative_feedback: {margin: 0.2, min_sample: 5, window: 2h}
                """
        )
        #expect(good.feedback.categories.last == "hardware" && good.feedback.digest.at == "07:30")
        #expect(
            good.detection.negativeFeedback.minSample == 5 && good.detection.negativeFeedback.window == .seconds(7200)
        )
        #expect {
            try ConfigParser.parse(
                yaml: """
                    feedback: {categories: [a, Other], digest: {at: "25:00", time_zone: Mars/Base}}
                    """
            )
        } throws: { error in
            let text = "\(error)"
            return text.contains("feedback.categories[1]") && text.contains("feedback.digest.at")
                && text.contains("feedback.digest.time_zone")
        }
        #expect {
            try ConfigParser.parse(yaml: "feedback: {categories: [a, b], negative_categories: [c]}\n")
        } throws: { error in
            "\(error)".contains("must contain 'other'") && "\(error)".contains("feedback.negative_categories[0]")
        }
        #expect {
            try ConfigParser.parse(
                yaml: "simulation: {scenario: {unhappy_stores: [nowhere]}}\nterminals: [{id: t-1, store: s-1}]\n"
            )
        } throws: { "\($0)".contains("unknown store 'nowhere'") }
    }
}
