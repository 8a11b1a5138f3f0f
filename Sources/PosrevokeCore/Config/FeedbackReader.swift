import Foundation
import Yams

/// Reads `feedback:` and `detection.negative_feedback`.
enum FeedbackReader {
    static func read(_ node: Node, _ section: inout FeedbackSection, _ reader: NodeReader) {
        let path = "feedback"
        let keys = [
            "categories", "negative_categories", "negative_rating", "poll_interval", "page_limit", "retention",
            "digest",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        assign(&section.categories, fields["categories"]) { list($0, "\(path).categories", reader) }
        assign(&section.negativeCategories, fields["negative_categories"]) {
            list($0, "\(path).negative_categories", reader)
        }
        assign(&section.negativeRating, fields["negative_rating"]) {
            reader.int($0, "\(path).negative_rating", min: 1, max: 4)
        }
        assign(&section.pollInterval, fields["poll_interval"]) {
            reader.duration($0, "\(path).poll_interval", positive: true)
        }
        assign(&section.pageLimit, fields["page_limit"]) { reader.int($0, "\(path).page_limit", min: 1, max: 10_000) }
        assign(&section.retention, fields["retention"]) { reader.duration($0, "\(path).retention", positive: true) }
        if let child = fields["digest"],
            let digest = reader.mapping(child, "\(path).digest", keys: ["enabled", "at", "time_zone"])
        {
            assign(&section.digest.enabled, digest["enabled"]) { reader.bool($0, "\(path).digest.enabled") }
            if let at = digest["at"], let text = reader.string(at, "\(path).digest.at") {
                if PlanConfig.WindowConfig.minutes(text).map({ $0 < 1440 }) == true {
                    section.digest.at = text
                } else {
                    reader.report("\(path).digest.at", at, "must be a time of day HH:MM, such as 08:00")
                }
            }
            if let zone = digest["time_zone"], let text = reader.string(zone, "\(path).digest.time_zone") {
                if TimeZone(identifier: text) != nil {
                    section.digest.timeZone = text
                } else {
                    reader.report(
                        "\(path).digest.time_zone",
                        zone,
                        "unknown time zone '\(text)' (use a name like Asia/Shanghai)"
                    )
                }
            }
        }
    }

    static func readRule(_ node: Node, _ path: String, _ rule: inout NegativeFeedbackRuleConfig, _ reader: NodeReader) {
        let keys = [
            "enabled", "window", "baseline_window", "margin", "min_sample", "baseline_min_sample", "baseline_default",
            "evaluate_interval", "repeat_interval",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        assign(&rule.enabled, fields["enabled"]) { reader.bool($0, "\(path).enabled") }
        assign(&rule.window, fields["window"]) { reader.duration($0, "\(path).window", positive: true) }
        assign(&rule.baselineWindow, fields["baseline_window"]) {
            reader.duration($0, "\(path).baseline_window", positive: true)
        }
        assign(&rule.margin, fields["margin"]) { reader.double($0, "\(path).margin", min: 0, max: 1) }
        assign(&rule.minSample, fields["min_sample"]) { reader.int($0, "\(path).min_sample", min: 1, max: 1_000_000) }
        assign(&rule.baselineMinSample, fields["baseline_min_sample"]) {
            reader.int($0, "\(path).baseline_min_sample", min: 1, max: 1_000_000)
        }
        assign(&rule.baselineDefault, fields["baseline_default"]) {
            reader.double($0, "\(path).baseline_default", min: 0, max: 1)
        }
        assign(&rule.evaluateInterval, fields["evaluate_interval"]) {
            reader.duration($0, "\(path).evaluate_interval", positive: true)
        }
        assign(&rule.repeatInterval, fields["repeat_interval"]) {
            reader.duration($0, "\(path).repeat_interval", positive: true)
        }
    }

    /// Taxonomy checks that need the whole section.
    static func crossCheck(_ section: FeedbackSection, stores: Set<String>, unhappy: [String], _ reader: NodeReader) {
        if !section.categories.contains("other") {
            reader.report("feedback.categories", nil, "must contain 'other', the category of entries that name none")
        }
        var seen: Set<String> = []
        for (index, category) in section.categories.enumerated() where !seen.insert(category).inserted {
            reader.report("feedback.categories[\(index)]", nil, "duplicate category '\(category)'")
        }
        for (index, category) in section.negativeCategories.enumerated() where !seen.contains(category) {
            reader.report("feedback.negative_categories[\(index)]", nil, "'\(category)' is not in feedback.categories")
        }
        for (index, store) in unhappy.enumerated() where !stores.contains(store) {
            reader.report("simulation.scenario.unhappy_stores[\(index)]", nil, "unknown store '\(store)'")
        }
    }

    /// A list of category names: lower-case words joined by dashes.
    private static func list(_ node: Node, _ path: String, _ reader: NodeReader) -> [String]? {
        guard let items = reader.sequence(node, path) else { return nil }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = reader.string(item, "\(path)[\(index)]") else { return nil }
            guard FeedbackCategory.isValidName(text) else {
                reader.report("\(path)[\(index)]", item, "'\(text)' must be lower-case letters, digits and dashes")
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
