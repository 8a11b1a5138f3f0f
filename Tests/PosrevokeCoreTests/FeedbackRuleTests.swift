import Foundation
import PosrevokeCore
import Testing

@Suite("Negative feedback rule, digest and gate")
struct FeedbackRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var rule: NegativeFeedbackRuleConfig {
        var rule = NegativeFeedbackRuleConfig()
        rule.minSample = 20
        rule.margin = 0.15
        rule.baselineMinSample = 30
        rule.baselineDefault = 0.2
        return rule
    }

    func stats(baseline: (Int, Int), recent: (Int, Int)) -> StoreFeedbackStats {
        StoreFeedbackStats(
            baseline: FeedbackTally(count: baseline.0, negative: baseline.1),
            recent: FeedbackTally(count: recent.0, negative: recent.1)
        )
    }

    @Test("fires on a real shift against the store's own baseline")
    func fires() {
        let condition = NegativeFeedbackRule.evaluate(
            store: "s-1",
            stats: stats(baseline: (100, 10), recent: (40, 12)),
            config: rule
        )
        #expect(condition.active, "30% against a 10% baseline is beyond a 15-point margin")
        #expect(condition.key == AlertKey(kind: .negativeFeedback, terminal: "s-1"))
        #expect(condition.evidence["BASELINE_SOURCE"] == "store" && condition.evidence["SAMPLE_SIZE"] == "40")
        let within = NegativeFeedbackRule.evaluate(
            store: "s-1",
            stats: stats(baseline: (100, 10), recent: (40, 9)),
            config: rule
        )
        #expect(!within.active, "22.5% is inside the margin")
    }

    @Test("stays quiet below the minimum sample, however bad the few entries are")
    func minimumSample() {
        let condition = NegativeFeedbackRule.evaluate(
            store: "s-1",
            stats: stats(baseline: (100, 10), recent: (19, 19)),
            config: rule
        )
        #expect(!condition.active)
    }

    @Test("a thin baseline falls back to the default share")
    func defaultBaseline() {
        let thin = stats(baseline: (29, 0), recent: (20, 7))
        let condition = NegativeFeedbackRule.evaluate(store: "s-1", stats: thin, config: rule)
        #expect(!condition.active, "35% is exactly the 20% default plus 15 points, not above it")
        #expect(condition.evidence["BASELINE_SOURCE"] == "default")
        #expect(
            NegativeFeedbackRule.evaluate(store: "s-1", stats: stats(baseline: (29, 0), recent: (20, 8)), config: rule)
                .active
        )
    }

    @Test("through the alert book: fires once, stays quiet while it holds, resolves when the share recovers")
    func lifecycle() {
        var book = AlertBook()
        let detection = DetectionSection()
        func step(_ recent: (Int, Int), at offset: TimeInterval) -> [Announcement] {
            let condition = NegativeFeedbackRule.evaluate(
                store: "s-2",
                stats: stats(baseline: (200, 20), recent: recent),
                config: rule
            )
            return book.apply([condition], store: "s-2", config: detection, now: t0.addingTimeInterval(offset))
                .announcements
        }
        #expect(step((10, 9), at: 0).isEmpty, "below the minimum sample")
        let fired = step((30, 15), at: 60)
        #expect(fired.map(\.phase) == [.firing])
        #expect(fired.first?.fields["TERMINAL_ID"] == nil && fired.first?.fields["STORE_ID"] == "s-2")
        #expect(fired.first?.message.hasPrefix("FIRING negative-feedback at store s-2") == true)
        #expect(step((40, 20), at: 120).isEmpty, "no repeat before the repeat interval")
        #expect(step((60, 8), at: 180).map(\.phase) == [.resolved])
    }

    @Test("a store alert is not retired with a terminal that happens to share the store's id")
    func storeAndTerminalIDs() {
        var book = AlertBook()
        let condition = NegativeFeedbackRule.evaluate(
            store: "shop-9",
            stats: stats(baseline: (100, 10), recent: (40, 30)),
            config: rule
        )
        _ = book.apply([condition], store: "shop-9", config: DetectionSection(), now: t0)
        let (update, removed) = book.retire(terminals: ["shop-9"], now: t0)
        #expect(removed.isEmpty && update.announcements.isEmpty)
        #expect(book.firingCount == 1)
    }

    @Test("a firing negative-feedback alert on a store of the last wave fails its gate; other stores do not")
    func gate() {
        let config = PlanConfig(id: "p")
        var canary = Job(
            plan: "p",
            terminal: "t-1",
            store: "s-2",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: [.watch],
            now: t0
        )
        canary.status = .waiting
        let elsewhere: Set = [AlertKey(kind: .negativeFeedback, terminal: "s-9")]
        #expect(
            PlanState(id: "p", waveCount: 2, now: t0).gateFailure(
                config: config,
                released: [canary],
                wave: [canary],
                alerting: elsewhere
            ) == nil
        )
        var state = PlanState(id: "p", waveCount: 2, now: t0)
        state.currentWave = 0
        let firing: Set = [AlertKey(kind: .negativeFeedback, terminal: "s-2")]
        _ = state.evaluate(config: config, jobs: [canary], alerting: firing, now: t0)
        let decisions = state.evaluate(
            config: config,
            jobs: [canary],
            alerting: firing,
            now: t0.addingTimeInterval(config.waves.soak.seconds)
        )
        #expect(decisions.count == 1)
        guard case .gateFailed(let reason) = decisions.first else {
            Issue.record("expected the gate to fail, got \(decisions)")
            return
        }
        #expect(reason.contains("negative-feedback on store s-2"))
        #expect(state.status == .paused)
    }

    @Test("the digest is due once a day after its time, about yesterday, in its own time zone")
    func schedule() {
        var config = DigestConfig()
        config.at = "08:00"
        config.timeZone = "Asia/Shanghai"
        let schedule = DigestSchedule(config: config)
        // 2026-11-26 07:59 and 08:00 in Shanghai (UTC+8).
        let before = Date(timeIntervalSince1970: 1_795_651_140)
        let after = before.addingTimeInterval(60)
        #expect(schedule.dueDay(now: before) == nil)
        #expect(schedule.dueDay(now: after) == "2026-11-25")
        #expect(schedule.nextDue(after: before) == after)
        #expect(schedule.nextDue(after: after) == after.addingTimeInterval(86400))
        let day = schedule.interval(of: "2026-11-25")
        #expect(day?.start == Date(timeIntervalSince1970: 1_795_536_000) && day?.duration == 86400)
        #expect(schedule.interval(of: "yesterday") == nil)
        #expect(schedule.interval(of: "2026-13-45") == nil)
    }

    @Test("across a daylight-saving change the digest keeps its wall-clock time")
    func daylightSaving() {
        var config = DigestConfig()
        config.at = "08:00"
        config.timeZone = "Europe/Berlin"
        let schedule = DigestSchedule(config: config)
        // 2026-03-29 is the spring change in Berlin: 08:00 CEST is 06:00 UTC.
        let eight = Date(timeIntervalSince1970: 1_774_764_000)
        #expect(schedule.dueDay(now: eight.addingTimeInterval(-1)) == nil)
        #expect(schedule.dueDay(now: eight) == "2026-03-28")
        #expect(schedule.nextDue(after: eight.addingTimeInterval(-3600)) == eight)
        // Half past midnight after the 23-hour day, yesterday is that day.
        #expect(schedule.yesterday(of: Date(timeIntervalSince1970: 1_774_823_400)) == "2026-03-29")
    }

    @Test("the digest counts by category and store and compares with the baseline, without comments")
    func digest() {
        let config = FeedbackSection()
        func entry(_ store: String, _ rating: Int, _ category: String) -> FeedbackRecord {
            FeedbackRecord(
                uid: UUID().uuidString,
                origin: .terminal,
                terminal: nil,
                store: store,
                provider: nil,
                source: .customer,
                rating: rating,
                category: category,
                comment: "秘密 secret",
                time: t0
            )
        }
        let entries = [
            entry("s-1", 1, "wants-credit-pay"), entry("s-1", 2, "wants-credit-pay"), entry("s-1", 5, "other"),
            entry("s-2", 4, "other"),
        ]
        let digest = FeedbackDigest.build(
            plan: "north",
            day: "2026-11-25",
            entries: entries,
            baseline: FeedbackTally(count: 100, negative: 10),
            config: config
        )
        #expect(digest.fields["FEEDBACK_COUNT"] == "4" && digest.fields["NEGATIVE_COUNT"] == "2")
        #expect(digest.fields["CATEGORY_COUNTS"] == "other=2 wants-credit-pay=2")
        #expect(digest.fields["STORE_COUNTS"] == "s-1=3/2 s-2=1/0")
        #expect(digest.fields["TREND"] == "worse" && digest.fields["WORST_STORE"] == "s-1")
        #expect(!digest.message.contains("secret") && !digest.fields.values.contains { $0.contains("secret") })
        let quiet = FeedbackDigest.build(
            plan: "north",
            day: "2026-11-25",
            entries: [],
            baseline: FeedbackTally(),
            config: config
        )
        #expect(quiet.fields["FEEDBACK_COUNT"] == "0" && quiet.fields["TREND"] == "unknown")
    }

    @Test("the report splits ratings at each terminal's cutover and ranks the worst store first")
    func report() {
        let cutover = t0
        func entry(_ store: String, _ rating: Int, _ offset: TimeInterval) -> FeedbackRecord {
            FeedbackRecord(
                uid: UUID().uuidString,
                origin: .terminal,
                terminal: "\(store)-t",
                store: store,
                provider: nil,
                source: .customer,
                rating: rating,
                category: rating <= 2 ? "payment-failed" : "other",
                comment: "",
                time: t0.addingTimeInterval(offset)
            )
        }
        let records = [
            entry("s-1", 5, -86400), entry("s-1", 4, -3600), entry("s-1", 2, 3600), entry("s-1", 1, 2 * 86400),
            entry("s-2", 5, -3600), entry("s-2", 4, 3600),
        ]
        let report = FeedbackReport.build(
            records,
            cutover: { _ in cutover },
            storeCutover: { _ in cutover },
            config: FeedbackSection(),
            filters: (nil, nil, nil),
            now: t0
        )
        #expect(report.before.count == 3 && report.after.count == 3)
        #expect(report.before.averageRating == 14.0 / 3 && report.after.averageRating == 7.0 / 3)
        #expect(report.stores.map(\.store) == ["s-1", "s-2"])
        #expect(report.categories.first { $0.category == "payment-failed" }?.after == 2)
        #expect(
            report.recent.first?.position == CutoverPosition(time: t0.addingTimeInterval(2 * 86400), cutover: cutover)
        )
        #expect(report.recent.first?.position.days == 2)
        // Two of s-1's entries fall on the same day: one point each day, averaged.
        let days = report.series.first { $0.store == "s-1" }?.points
        #expect(days?.map(\.count) == [1, 2, 1] && days?[1].averageRating == 3)
    }
}
