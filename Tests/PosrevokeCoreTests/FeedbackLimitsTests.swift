import Foundation
import PosrevokeCore
import Testing

/// Survey rows as the daemon receives them over its control socket: checked again, whatever the client did, and
/// no aggregate traps on what a stored row may hold.
@Suite("Feedback limits and overflow-proof aggregates")
struct FeedbackLimitsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let categories = FeedbackSection().categories

    func row(_ change: (inout FeedbackImportRow) -> Void = { _ in }) -> FeedbackImportRow {
        var row = FeedbackImportRow(
            line: 2,
            uid: "survey:abc",
            terminal: "t-1",
            store: nil,
            provider: nil,
            source: .customer,
            rating: 3,
            category: "other",
            comment: "fine",
            time: now.addingTimeInterval(-3600)
        )
        change(&row)
        return row
    }

    func record(rating: Int, store: String = "s-1", time: Date? = nil) -> FeedbackRecord {
        FeedbackRecord(
            uid: "survey:\(UUID())",
            origin: .survey,
            terminal: nil,
            store: store,
            provider: nil,
            source: .customer,
            rating: rating,
            category: "other",
            comment: "",
            time: time ?? now.addingTimeInterval(-60)
        )
    }

    @Test("a good row passes; every bound is checked again")
    func rowChecks() {
        #expect(row().problem(categories: categories, now: now) == nil)
        let bad: [(String, FeedbackImportRow)] = [
            ("rating", row { $0.rating = .max }),
            ("rating", row { $0.rating = 0 }),
            ("rating", row { $0.rating = -5 }),
            ("unknown category", row { $0.category = "angry" }),
            ("comment", row { $0.comment = String(repeating: "字", count: 4001) }),
            ("key", row { $0.uid = "operator:x" }),
            ("key", row { $0.uid = "survey:" + String(repeating: "k", count: 300) }),
            ("terminal", row { $0.terminal = String(repeating: "t", count: 300) }),
            ("store", row { $0.store = String(repeating: "s", count: 300) }),
            ("unknown provider", row { $0.provider = "visa" }),
            ("time", row { $0.time = Date(timeIntervalSince1970: -1) }),
            ("time", row { $0.time = now.addingTimeInterval(2 * 86400) }),
            ("time", row { $0.time = .distantFuture }),
        ]
        for (expected, candidate) in bad {
            let problem = candidate.problem(categories: categories, now: now)
            #expect(problem?.contains(expected) == true, "\(expected): \(String(describing: problem))")
            #expect((problem?.count ?? 0) < 400, "the reason stays short whatever the row holds")
        }
        #expect(row { $0.time = now.addingTimeInterval(3600) }.problem(categories: categories, now: now) == nil)
        #expect(
            row { $0.comment = String(repeating: "字", count: 4000) }.problem(categories: categories, now: now) == nil
        )
    }

    @Test("an import with too many rows is refused as a whole; long client reasons are cut")
    func requestChecks() {
        let many = FeedbackImportRequest(
            file: "big.csv",
            rows: Array(repeating: row(), count: FeedbackLimits.maxImportRows),
            errors: [FeedbackRowError(line: 9, reason: "bad")],
            skipBad: true
        )
        #expect(many.refusal()?.contains("at most 50000") == true)
        let fits = FeedbackImportRequest(
            file: "ok.csv",
            rows: [row()],
            errors: [FeedbackRowError(line: 3, reason: String(repeating: "r", count: 100_000))],
            skipBad: false
        )
        #expect(fits.refusal() == nil)
        #expect(fits.boundedErrors[0].reason.count <= FeedbackLimits.maxReasonCharacters + 1)
    }

    @Test("digest and report over rows with absurd ratings neither trap nor count them")
    func aggregates() {
        // Two such rows once overflowed the rating sum and trapped the daemon at every digest.
        let entries = [record(rating: .max), record(rating: .max), record(rating: .min), record(rating: 2)]
        let digest = FeedbackDigest.build(
            plan: "p",
            day: "2027-01-15",
            entries: entries,
            baseline: FeedbackTally(count: .max, negative: .max),
            config: FeedbackSection()
        )
        #expect(digest.fields["FEEDBACK_COUNT"] == "1")
        #expect(digest.fields["AVERAGE_RATING"] == "2.00")
        let report = FeedbackReport.build(
            entries,
            cutover: { _ in Date(timeIntervalSince1970: 0) },
            storeCutover: { _ in nil },
            config: FeedbackSection(),
            filters: (nil, nil, nil),
            now: now
        )
        #expect(report.after.count == 1 && report.after.ratingSum == 2)
        #expect(report.series.first?.points.first?.averageRating == 2)
    }

    @Test("tallies saturate instead of overflowing; a cutover far away has no day count instead of a trap")
    func saturation() {
        var tally = FeedbackTally(count: .max - 1, negative: .max)
        tally.add(FeedbackTally(count: 5, negative: 5))
        tally.add(negative: true)
        #expect(tally.count == .max && tally.negative == .max)
        let far = CutoverPosition(time: .distantFuture, cutover: Date(timeIntervalSince1970: -1e300))
        #expect(far.after && far.days == nil)
        #expect(CutoverPosition(time: now, cutover: now.addingTimeInterval(-86400 * 3)).days == 3)
    }
}
