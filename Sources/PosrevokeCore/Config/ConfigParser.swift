import Foundation
import Yams

/// Turns YAML text into a validated `DaemonConfig`, or every problem it has.
///
/// Unknown keys are errors: a typo in a threshold must never fall back silently to the default.
public enum ConfigParser {
    /// The drivers a terminal may name.
    public static let knownDrivers = ["simulated", "agent"]

    /// - Parameter directory: where a relative `terminals_file` is looked for (the config file's directory).
    public static func parse(yaml: String, directory: String? = nil) throws(ConfigErrors) -> DaemonConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigErrors([syntaxIssue(error)])
        }
        var config = DaemonConfig()
        guard let root else { return config }
        let reader = NodeReader()
        read(root, into: &config, reader)
        if let node = root.mapping?["terminals_file"] { readTerminalsFile(node, directory: directory, &config, reader) }
        if reader.issues.isEmpty { crossCheck(config, reader) }
        guard reader.issues.isEmpty else { throw ConfigErrors(reader.issues) }
        return config
    }

    /// Reads and parses a file; unreadable files are reported like any other config error.
    public static func load(path: String) throws(ConfigErrors) -> DaemonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigErrors([ConfigIssue(path: "", line: nil, message: "cannot read config file \(path)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigErrors([ConfigIssue(path: "", line: nil, message: "\(path) is not valid UTF-8")])
        }
        return try parse(yaml: text, directory: (path as NSString).deletingLastPathComponent)
    }

    /// `terminals_file:` names a YAML list of terminals (as `posrevoke-sim --inventory-out` writes), appended to
    /// `terminals:`. Read again on every reload.
    private static func readTerminalsFile(
        _ node: Node,
        directory: String?,
        _ config: inout DaemonConfig,
        _ r: NodeReader
    ) {
        guard let name = r.string(node, "terminals_file") else { return }
        let path = name.hasPrefix("/") ? name : ((directory ?? ".") as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            r.report("terminals_file", node, "cannot read \(path)")
            return
        }
        do {
            guard let list = try Yams.compose(yaml: text) else { return }
            let before = r.issues.count
            config.terminals += TerminalReader.read(list, defaultInterval: config.polling.interval, r)
            for index in before..<r.issues.count { r.issues[index].message += " (in \(path))" }
        } catch {
            r.report("terminals_file", node, "\(path) is not valid YAML: \(error)")
        }
    }

    /// An `http://` or `https://` URL with a host and without user info, without its trailing slash; nil (reported)
    /// otherwise. The URL is never quoted back: it could hold a password.
    static func checkedURL(_ url: String, _ node: Node, _ path: String, _ r: NodeReader) -> String? {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host?.isEmpty == false
        else {
            r.report(path, node, "must be an http:// or https:// URL with a host")
            return nil
        }
        guard parsed.user == nil, parsed.password == nil else {
            r.report(
                path,
                node,
                "must not carry user info (user:password@): credentials belong in a credential file "
                    + "(token_file, key_file), never in the config"
            )
            return nil
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private static func syntaxIssue(_ error: any Error) -> ConfigIssue {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                return ConfigIssue(path: "", line: mark.line, message: "YAML syntax error: \(problem)")
            case .composer(_, let problem, let mark, _):
                return ConfigIssue(path: "", line: mark.line, message: "YAML error: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                return ConfigIssue(
                    path: "",
                    line: context.mark.line,
                    message: "duplicate key \(keys) in the mapping starting here; a later value must not silently win"
                )
            default:
                break
            }
        }
        return ConfigIssue(path: "", line: nil, message: "YAML error: \(error)")
    }

    private static func read(_ root: Node, into config: inout DaemonConfig, _ r: NodeReader) {
        let sections = [
            "daemon", "polling", "detection", "alerts", "store", "simulation", "jobs", "platform", "feedback", "plans",
            "terminals", "terminals_file",
        ]
        guard let map = r.mapping(root, "", keys: sections) else { return }
        if let node = map["daemon"] { readDaemon(node, &config.daemon, r) }
        if let node = map["polling"] { readPolling(node, &config.polling, r) }
        if let node = map["detection"] { readDetection(node, &config.detection, r) }
        if let node = map["alerts"] { readAlerts(node, &config.alerts, r) }
        if let node = map["store"] { readStore(node, &config.store, r) }
        if let node = map["simulation"] { readSimulation(node, &config.simulation, r) }
        if let node = map["jobs"] { JobsReader.readJobs(node, &config.jobs, r) }
        if let node = map["platform"] { PlatformReader.read(node, &config.platform, r) }
        if let node = map["feedback"] { FeedbackReader.read(node, &config.feedback, r) }
        if let node = map["plans"] { config.plans = JobsReader.readPlans(node, r) }
        if let node = map["terminals"] {
            config.terminals = TerminalReader.read(node, defaultInterval: config.polling.interval, r)
        }
    }

    private static func readDaemon(_ node: Node, _ s: inout DaemonSection, _ r: NodeReader) {
        let p = "daemon"
        guard let m = r.mapping(node, p, keys: ["state_dir", "status_interval"]) else { return }
        m["state_dir"].flatMap { r.string($0, "\(p).state_dir") }.map { s.stateDirectory = $0 }
        m["status_interval"].flatMap { r.duration($0, "\(p).status_interval", positive: true) }
            .map { s.statusInterval = $0 }
    }

    private static func readPolling(_ node: Node, _ s: inout PollingSection, _ r: NodeReader) {
        let p = "polling"
        guard let m = r.mapping(node, p, keys: ["interval", "timeout", "max_concurrent", "page_limit"]) else { return }
        m["interval"].flatMap { r.duration($0, "\(p).interval", positive: true) }.map { s.interval = $0 }
        m["timeout"].flatMap { r.duration($0, "\(p).timeout", positive: true) }.map { s.timeout = $0 }
        m["max_concurrent"].flatMap { r.int($0, "\(p).max_concurrent", min: 1, max: 100_000) }
            .map { s.maxConcurrent = $0 }
        m["page_limit"].flatMap { r.int($0, "\(p).page_limit", min: 1, max: 10_000) }.map { s.pageLimit = $0 }
    }

    private static func readDetection(_ node: Node, _ s: inout DetectionSection, _ r: NodeReader) {
        let p = "detection"
        let keys = [
            "lingering_credit_pay", "credit_pay_attempt", "terminal_unreachable", "payment_failure_rate",
            "negative_feedback",
        ]
        guard let m = r.mapping(node, p, keys: keys) else { return }
        if let n = m["negative_feedback"] {
            FeedbackReader.readRule(n, "\(p).negative_feedback", &s.negativeFeedback, r)
        }
        if let n = m["lingering_credit_pay"],
            let rule = r.mapping(
                n,
                "\(p).lingering_credit_pay",
                keys: [
                    "enabled", "resolve_after", "repeat_interval",
                ]
            )
        {
            let q = "\(p).lingering_credit_pay"
            rule["enabled"].flatMap { r.bool($0, "\(q).enabled") }.map { s.lingeringCreditPay.enabled = $0 }
            rule["resolve_after"].flatMap { r.duration($0, "\(q).resolve_after", positive: true) }
                .map { s.lingeringCreditPay.resolveAfter = $0 }
            rule["repeat_interval"].flatMap { r.duration($0, "\(q).repeat_interval", positive: true) }
                .map { s.lingeringCreditPay.repeatInterval = $0 }
        }
        if let n = m["credit_pay_attempt"],
            let rule = r.mapping(
                n,
                "\(p).credit_pay_attempt",
                keys: [
                    "enabled", "threshold", "window", "for", "repeat_interval",
                ]
            )
        {
            let q = "\(p).credit_pay_attempt"
            rule["enabled"].flatMap { r.bool($0, "\(q).enabled") }.map { s.creditPayAttempt.enabled = $0 }
            rule["threshold"].flatMap { r.int($0, "\(q).threshold", min: 1, max: 1_000_000) }
                .map { s.creditPayAttempt.threshold = $0 }
            rule["window"].flatMap { r.duration($0, "\(q).window", positive: true) }
                .map { s.creditPayAttempt.window = $0 }
            rule["for"].flatMap { r.duration($0, "\(q).for") }.map { s.creditPayAttempt.pendingFor = $0 }
            rule["repeat_interval"].flatMap { r.duration($0, "\(q).repeat_interval", positive: true) }
                .map { s.creditPayAttempt.repeatInterval = $0 }
        }
        if let n = m["terminal_unreachable"],
            let rule = r.mapping(
                n,
                "\(p).terminal_unreachable",
                keys: [
                    "enabled", "consecutive_failures", "repeat_interval",
                ]
            )
        {
            let q = "\(p).terminal_unreachable"
            rule["enabled"].flatMap { r.bool($0, "\(q).enabled") }.map { s.terminalUnreachable.enabled = $0 }
            rule["consecutive_failures"].flatMap { r.int($0, "\(q).consecutive_failures", min: 1, max: 10_000) }
                .map { s.terminalUnreachable.consecutiveFailures = $0 }
            rule["repeat_interval"].flatMap { r.duration($0, "\(q).repeat_interval", positive: true) }
                .map { s.terminalUnreachable.repeatInterval = $0 }
        }
        if let n = m["payment_failure_rate"],
            let rule = r.mapping(
                n,
                "\(p).payment_failure_rate",
                keys: [
                    "enabled", "window", "margin", "min_sample", "baseline_min_sample", "baseline_default", "for",
                    "repeat_interval",
                ]
            )
        {
            let q = "\(p).payment_failure_rate"
            rule["enabled"].flatMap { r.bool($0, "\(q).enabled") }.map { s.paymentFailureRate.enabled = $0 }
            rule["window"].flatMap { r.duration($0, "\(q).window", positive: true) }
                .map { s.paymentFailureRate.window = $0 }
            rule["margin"].flatMap { r.double($0, "\(q).margin", min: 0, max: 1) }
                .map { s.paymentFailureRate.margin = $0 }
            rule["min_sample"].flatMap { r.int($0, "\(q).min_sample", min: 1, max: 1_000_000) }
                .map { s.paymentFailureRate.minSample = $0 }
            rule["baseline_min_sample"].flatMap { r.int($0, "\(q).baseline_min_sample", min: 1, max: 1_000_000) }
                .map { s.paymentFailureRate.baselineMinSample = $0 }
            rule["baseline_default"].flatMap { r.double($0, "\(q).baseline_default", min: 0, max: 1) }
                .map { s.paymentFailureRate.baselineDefault = $0 }
            rule["for"].flatMap { r.duration($0, "\(q).for") }.map { s.paymentFailureRate.pendingFor = $0 }
            rule["repeat_interval"].flatMap { r.duration($0, "\(q).repeat_interval", positive: true) }
                .map { s.paymentFailureRate.repeatInterval = $0 }
        }
    }

    private static func readAlerts(_ node: Node, _ s: inout AlertsSection, _ r: NodeReader) {
        let p = "alerts"
        guard let m = r.mapping(node, p, keys: ["burst", "rate_per_second", "summary_interval"]) else { return }
        m["burst"].flatMap { r.int($0, "\(p).burst", min: 1, max: 100_000) }.map { s.burst = $0 }
        m["rate_per_second"].flatMap { r.double($0, "\(p).rate_per_second", min: 0.01, max: 100_000) }
            .map { s.ratePerSecond = $0 }
        m["summary_interval"].flatMap { r.duration($0, "\(p).summary_interval", positive: true) }
            .map { s.summaryInterval = $0 }
    }

    private static func readStore(_ node: Node, _ s: inout StoreSection, _ r: NodeReader) {
        guard let m = r.mapping(node, "store", keys: ["transaction_retention"]) else { return }
        m["transaction_retention"].flatMap { r.duration($0, "store.transaction_retention", positive: true) }
            .map { s.transactionRetention = $0 }
    }

    private static func readSimulation(_ node: Node, _ s: inout SimulationSection, _ r: NodeReader) {
        let p = "simulation"
        let keys = ["seed", "transactions_per_minute", "credit_pay_share", "feedback_per_hour", "scenario"]
        guard let m = r.mapping(node, p, keys: keys) else { return }
        m["seed"].flatMap { r.int($0, "\(p).seed", min: 0) }.map { s.seed = UInt64($0) }
        m["transactions_per_minute"].flatMap { r.double($0, "\(p).transactions_per_minute", min: 0, max: 6000) }
            .map { s.transactionsPerMinute = $0 }
        m["credit_pay_share"].flatMap { r.double($0, "\(p).credit_pay_share", min: 0, max: 1) }
            .map { s.creditPayShare = $0 }
        m["feedback_per_hour"].flatMap { r.double($0, "\(p).feedback_per_hour", min: 0, max: 3600) }
            .map { s.feedbackPerHour = $0 }
        if let n = m["scenario"] { ScenarioReader.read(n, "\(p).scenario", &s.scenario, r) }
    }

    /// Checks that need the whole file: references between sections and duplicate ids.
    private static func crossCheck(_ config: DaemonConfig, _ r: NodeReader) {
        var seen: Set<String> = []
        for (index, terminal) in config.terminals.enumerated() where !seen.insert(terminal.id).inserted {
            r.report("terminals[\(index)].id", nil, "duplicate terminal id '\(terminal.id)'")
        }
        let stores = Set(config.terminals.map(\.store))
        let scenario = config.simulation.scenario
        for (index, id) in scenario.missedUpdate.enumerated() where !seen.contains(id) {
            r.report("simulation.scenario.missed_update[\(index)]", nil, "unknown terminal '\(id)'")
        }
        for (index, fault) in scenario.agentFaults.enumerated() where !seen.contains(fault.terminal) {
            r.report("simulation.scenario.agent_faults[\(index)].terminal", nil, "unknown terminal '\(fault.terminal)'")
        }
        for (index, window) in scenario.offline.enumerated() where !seen.contains(window.terminal) {
            r.report("simulation.scenario.offline[\(index)].terminal", nil, "unknown terminal '\(window.terminal)'")
        }
        for (index, burst) in scenario.errorBursts.enumerated() where !stores.contains(burst.store) {
            r.report("simulation.scenario.error_bursts[\(index)].store", nil, "unknown store '\(burst.store)'")
        }
        JobsReader.crossCheck(config, known: seen, stores: stores, r)
        FeedbackReader.crossCheck(config.feedback, stores: stores, unhappy: scenario.unhappyStores, r)
    }
}
