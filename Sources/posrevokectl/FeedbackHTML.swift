import Foundation
import PosrevokeCore

/// A self-contained HTML page of a feedback report: summary tables and one SVG chart per store of its daily
/// average rating, with the cutover marked. No scripts, no external files.
enum FeedbackHTML {
    static func page(_ report: FeedbackReport) -> String {
        var body = "<h1>Feedback report</h1>\n"
        body += "<p>\(report.total) entries\(report.since.map { " since \(escape(Output.time($0)))" } ?? "")"
        if let plan = report.plan { body += ", plan \(escape(plan))" }
        if let store = report.store { body += ", store \(escape(store))" }
        body += ". Generated \(escape(Output.time(report.generatedAt))).</p>\n"
        body += table(
            ["", "Entries", "Average rating", "Negative"],
            [("Before cutover", report.before), ("After cutover", report.after)].map {
                [$0.0, String($0.1.count), number($0.1.averageRating), percent($0.1.negativeShare)]
            }
        )
        body += "<h2>By category</h2>\n"
        body += table(
            ["Category", "Before", "After"],
            report.categories.map { [$0.category, String($0.before), String($0.after)] }
        )
        body += "<h2>Stores, worst first</h2>\n"
        body += table(
            ["Store", "Cutover", "Before: n", "avg", "After: n", "avg", "negative"],
            report.stores.map { store in
                [
                    store.store, store.cutover.map { Output.time($0) } ?? "-", String(store.before.count),
                    number(store.before.averageRating), String(store.after.count), number(store.after.averageRating),
                    percent(store.after.negativeShare),
                ]
            }
        )
        body += "<h2>Average rating per day</h2>\n"
        body += "<p>Days run midnight to midnight in \(escape(report.timeZone)).</p>\n"
        for series in report.series { body += chart(series, timeZone: report.timeZone) }
        body += "<h2>Recent comments</h2>\n"
        body += table(
            ["Time", "Where", "Rating", "Category", "Days after cutover", "Comment"],
            report.recent.map { entry in
                [
                    Output.time(entry.time), entry.terminal ?? "store \(entry.store)", String(entry.rating),
                    entry.category, FeedbackText.position(entry.position), entry.comment,
                ]
            }
        )
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>posrevoke feedback report</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }
            figure { display: inline-block; margin: 0 1.5em 1.5em 0; }
            figcaption { font-weight: bold; }
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// A 360×160 line chart of one store's daily average rating (1–5), a dashed red line at its cutover.
    static func chart(_ series: FeedbackReport.Series, timeZone: String) -> String {
        var zone = DigestConfig()
        zone.timeZone = timeZone
        let days = DigestSchedule(config: zone)
        let width = 360.0
        let height = 160.0
        let pad = 28.0
        guard let first = series.points.first?.day, let last = series.points.last?.day else { return "" }
        var start = first
        var end = last
        if let cutover = series.cutover {
            start = min(start, cutover)
            end = max(end, cutover)
        }
        let span = max(end.timeIntervalSince(start), 86400)
        func x(_ date: Date) -> Double { pad + (date.timeIntervalSince(start) / span) * (width - 2 * pad) }
        func y(_ rating: Double) -> Double { height - pad - (rating - 1) / 4 * (height - 2 * pad) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
        for rating in 1...5 {
            let level = y(Double(rating))
            svg += "<line x1=\"\(pad)\" y1=\"\(level)\" x2=\"\(width - pad)\" y2=\"\(level)\" stroke=\"#eee\"/>"
            svg += "<text x=\"4\" y=\"\(level + 4)\" font-size=\"10\">\(rating)</text>"
        }
        if let cutover = series.cutover {
            let cx = x(cutover)
            svg += "<line x1=\"\(cx)\" y1=\"\(pad / 2)\" x2=\"\(cx)\" y2=\"\(height - pad)\" stroke=\"#c00\" "
            svg += "stroke-dasharray=\"4 3\"/><text x=\"\(cx + 3)\" y=\"\(pad / 2 + 8)\" font-size=\"10\" "
            svg += "fill=\"#c00\">cutover</text>"
        }
        let points = series.points.map { "\(x($0.day)),\(y($0.averageRating))" }.joined(separator: " ")
        svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\"/>"
        for point in series.points {
            svg += "<circle cx=\"\(x(point.day))\" cy=\"\(y(point.averageRating))\" r=\"2.5\" fill=\"#1f6feb\">"
            svg += "<title>\(escape(days.label(point.day))): \(number(point.averageRating)) (\(point.count))</title>"
            svg += "</circle>"
        }
        svg += "<text x=\"\(pad)\" y=\"\(height - 8)\" font-size=\"10\">\(escape(days.label(start)))</text>"
        svg += "<text x=\"\(width - pad - 60)\" y=\"\(height - 8)\" font-size=\"10\">\(escape(days.label(end)))</text>"
        svg += "</svg>"
        return "<figure><figcaption>Store \(escape(series.store))</figcaption>\(svg)</figure>\n"
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> String {
        var html = "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
    private static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
}
