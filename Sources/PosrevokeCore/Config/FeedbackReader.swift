import Foundation
import Yams

/// Reads `feedback:` and `detection.negative_feedback`.
enum FeedbackReader {
    static func read(_ node: Node, _ s: inout FeedbackSection, _ r: NodeReader) {
        let p = "feedback"
        let keys = [
            "categories", "negative_categories", "negative_rating", "poll_interval", "page_limit", "retention",
            "digest",
        ]
        guard let m = r.mapping(node, p, keys: keys) else { return }
        if let n = m["categories"] { list(n, "\(p).categories", r).map { s.categories = $0 } }
        if let n = m["negative_categories"] { list(n, "\(p).negative_categories", r).map { s.negativeCategories = $0 } }
        m["negative_rating"].flatMap { r.int($0, "\(p).negative_rating", min: 1, max: 4) }
            .map { s.negativeRating = $0 }
        m["poll_interval"].flatMap { r.duration($0, "\(p).poll_interval", positive: true) }
            .map { s.pollInterval = $0 }
        m["page_limit"].flatMap { r.int($0, "\(p).page_limit", min: 1, max: 10_000) }.map { s.pageLimit = $0 }
        m["retention"].flatMap { r.duration($0, "\(p).retention", positive: true) }.map { s.retention = $0 }
        if let n = m["digest"], let d = r.mapping(n, "\(p).digest", keys: ["enabled", "at", "time_zone"]) {
            d["enabled"].flatMap { r.bool($0, "\(p).digest.enabled") }.map { s.digest.enabled = $0 }
            if let at = d["at"], let text = r.string(at, "\(p).digest.at") {
                if PlanConfig.WindowConfig.minutes(text).map({ $0 < 1440 }) == true {
                    s.digest.at = text
                } else {
                    r.report("\(p).digest.at", at, "must be a time of day HH:MM, such as 08:00")
                }
            }
            if let zone = d["time_zone"], let text = r.string(zone, "\(p).digest.time_zone") {
                if TimeZone(identifier: text) != nil {
                    s.digest.timeZone = text
                } else {
                    r.report(
                        "\(p).digest.time_zone",
                        zone,
                        "unknown time zone '\(text)' (use a name like Asia/Shanghai)"
                    )
                }
            }
        }
    }

    static func readRule(_ node: Node, _ p: String, _ s: inout NegativeFeedbackRuleConfig, _ r: NodeReader) {
        let keys = [
            "enabled", "window", "baseline_window", "margin", "min_sample", "baseline_min_sample", "baseline_default",
            "evaluate_interval", "repeat_interval",
        ]
        guard let m = r.mapping(node, p, keys: keys) else { return }
        m["enabled"].flatMap { r.bool($0, "\(p).enabled") }.map { s.enabled = $0 }
        m["window"].flatMap { r.duration($0, "\(p).window", positive: true) }.map { s.window = $0 }
        m["baseline_window"].flatMap { r.duration($0, "\(p).baseline_window", positive: true) }
            .map { s.baselineWindow = $0 }
        m["margin"].flatMap { r.double($0, "\(p).margin", min: 0, max: 1) }.map { s.margin = $0 }
        m["min_sample"].flatMap { r.int($0, "\(p).min_sample", min: 1, max: 1_000_000) }.map { s.minSample = $0 }
        m["baseline_min_sample"].flatMap { r.int($0, "\(p).baseline_min_sample", min: 1, max: 1_000_000) }
            .map { s.baselineMinSample = $0 }
        m["baseline_default"].flatMap { r.double($0, "\(p).baseline_default", min: 0, max: 1) }
            .map { s.baselineDefault = $0 }
        m["evaluate_interval"].flatMap { r.duration($0, "\(p).evaluate_interval", positive: true) }
            .map { s.evaluateInterval = $0 }
        m["repeat_interval"].flatMap { r.duration($0, "\(p).repeat_interval", positive: true) }
            .map { s.repeatInterval = $0 }
    }

    /// Taxonomy checks that need the whole section.
    static func crossCheck(_ s: FeedbackSection, stores: Set<String>, unhappy: [String], _ r: NodeReader) {
        if !s.categories.contains("other") {
            r.report("feedback.categories", nil, "must contain 'other', the category of entries that name none")
        }
        var seen: Set<String> = []
        for (index, category) in s.categories.enumerated() where !seen.insert(category).inserted {
            r.report("feedback.categories[\(index)]", nil, "duplicate category '\(category)'")
        }
        for (index, category) in s.negativeCategories.enumerated() where !seen.contains(category) {
            r.report("feedback.negative_categories[\(index)]", nil, "'\(category)' is not in feedback.categories")
        }
        for (index, store) in unhappy.enumerated() where !stores.contains(store) {
            r.report("simulation.scenario.unhappy_stores[\(index)]", nil, "unknown store '\(store)'")
        }
    }

    /// A list of category names: lower-case words joined by dashes.
    private static func list(_ node: Node, _ path: String, _ r: NodeReader) -> [String]? {
        guard let items = r.sequence(node, path) else { return nil }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = r.string(item, "\(path)[\(index)]") else { return nil }
            guard FeedbackCategory.isValidName(text) else {
                r.report("\(path)[\(index)]", item, "'\(text)' must be lower-case letters, digits and dashes")
                return nil
            }
            names.append(text)
        }
        return names
    }
}

/// Category names as the taxonomy allows them.
public enum FeedbackCategory {
    public static func isValidName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
