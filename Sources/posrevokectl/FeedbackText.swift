import Foundation
import PosrevokeCore

/// The terminal and CSV renderings of a feedback report.
enum FeedbackText {
    static func render(_ report: FeedbackReport) {
        var scope: [String] = []
        if let since = report.since { scope.append("since \(Output.time(since))") }
        if let plan = report.plan { scope.append("plan \(plan)") }
        if let store = report.store { scope.append("store \(store)") }
        print(
            Output.safe("Feedback\(scope.isEmpty ? "" : " " + scope.joined(separator: ", ")): \(report.total) entries")
        )
        print("")
        Output.table(
            ["", "ENTRIES", "AVG RATING", "NEGATIVE"],
            [("before cutover", report.before), ("after cutover", report.after)].map {
                [$0.0, String($0.1.count), rating($0.1.averageRating), percent($0.1.negativeShare)]
            }
        )
        print("")
        Output.table(
            ["CATEGORY", "BEFORE", "AFTER"],
            report.categories.map { [$0.category, String($0.before), String($0.after)] }
        )
        print("\nWorst stores")
        Output.table(
            ["STORE", "CUTOVER", "BEFORE n/avg/neg", "AFTER n/avg/neg"],
            report.stores.prefix(5).map { store in
                [
                    store.store, store.cutover.map { Output.time($0) } ?? "-", summary(store.before),
                    summary(store.after),
                ]
            }
        )
        print("\nRecent comments")
        Output.table(
            ["TIME", "WHERE", "RATING", "CATEGORY", "DAYS AFTER CUTOVER", "COMMENT"],
            report.recent.map { entry in
                [
                    Output.time(entry.time), entry.terminal ?? "store \(entry.store)", String(entry.rating),
                    entry.category, position(entry.position), entry.comment.isEmpty ? "-" : entry.comment,
                ]
            }
        )
    }

    /// Long-format CSV: one line per total, category and store, before and after cutover.
    static func csv(_ report: FeedbackReport) -> String {
        var lines = ["section,name,phase,count,average_rating,negative_share"]
        func add(_ section: String, _ name: String, _ phase: String, _ s: FeedbackReport.Summary) {
            lines.append(
                [
                    section, field(name), phase, String(s.count),
                    s.averageRating.map { String(format: "%.3f", $0) } ?? "",
                    s.negativeShare.map { String(format: "%.4f", $0) } ?? "",
                ].joined(separator: ",")
            )
        }
        add("total", "all", "before", report.before)
        add("total", "all", "after", report.after)
        for category in report.categories {
            lines.append("category,\(field(category.category)),before,\(category.before),,")
            lines.append("category,\(field(category.category)),after,\(category.after),,")
        }
        for store in report.stores {
            add("store", store.store, "before", store.before)
            add("store", store.store, "after", store.after)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func position(_ position: CutoverPosition) -> String {
        guard let days = position.days else { return "no cutover" }
        return position.after ? "+\(days)d" : "\(days)d"
    }

    private static func summary(_ s: FeedbackReport.Summary) -> String {
        s.count == 0 ? "-" : "\(s.count) / \(rating(s.averageRating)) / \(percent(s.negativeShare))"
    }

    private static func rating(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }

    private static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    /// A CSV field, quoted when it needs to be.
    /// Control characters other than line breaks are written visibly, as in tables.
    static func field(_ raw: String) -> String {
        let text = Output.safeLines(raw)
        guard text.unicodeScalars.contains(where: { [",", "\"", "\n", "\r"].contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
