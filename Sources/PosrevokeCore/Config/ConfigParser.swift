import Foundation
import Yams

/// Turns YAML text into a validated `DaemonConfig`, or every problem it has.
///
/// Unknown keys are errors: a typo in a threshold must never fall back silently to the default.
public enum ConfigParser {
    /// The drivers a terminal may name.
    /// `tms`: the terminal has no agent; its commands go to its TMS, and it is reachable when the TMS says it is
    /// online (its payments are seen only in the platform's bills).
    public static let knownDrivers = ["simulated", "agent", "tms"]
    public static let knownTMS = ["paxstore"]

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
        _ reader: NodeReader
    ) {
        guard let name = reader.string(node, "terminals_file") else { return }
        let path = name.hasPrefix("/") ? name : ((directory ?? ".") as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            reader.report("terminals_file", node, "cannot read \(path)")
            return
        }
        do {
            guard let list = try Yams.compose(yaml: text) else { return }
            let before = reader.issues.count
            config.terminals += TerminalReader.read(list, defaultInterval: config.polling.interval, reader)
            for index in before..<reader.issues.count { reader.issues[index].message += " (in \(path))" }
        } catch {
            reader.report("terminals_file", node, "\(path) is not valid YAML: \(error)")
        }
    }

    /// An `http://` or `https://` URL with a host and without user info, without its trailing slash; nil (reported)
    /// otherwise. The URL is never quoted back: it could hold a password.
    static func checkedURL(_ url: String, _ node: Node, _ path: String, _ reader: NodeReader) -> String? {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host?.isEmpty == false
        else {
            reader.report(path, node, "must be an http:// or https:// URL with a host")
            return nil
        }
        guard parsed.user == nil, parsed.password == nil else {
            reader.report(
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

    private static func read(_ root: Node, into config: inout DaemonConfig, _ reader: NodeReader) {
        let sections = [
            "daemon", "polling", "detection", "alerts", "store", "simulation", "jobs", "platform", "feedback", "bills",
            "callbacks", "metrics", "tms", "gateways", "plans", "stores", "terminals", "terminals_file",
        ]
        guard let map = reader.mapping(root, "", keys: sections) else { return }
        if let node = map["daemon"] { readDaemon(node, &config.daemon, reader) }
        if let node = map["polling"] { readPolling(node, &config.polling, reader) }
        if let node = map["detection"] { readDetection(node, &config.detection, reader) }
        if let node = map["alerts"] { readAlerts(node, &config.alerts, reader) }
        if let node = map["store"] { readStore(node, &config.store, reader) }
        if let node = map["simulation"] { readSimulation(node, &config.simulation, reader) }
        if let node = map["jobs"] { JobsReader.readJobs(node, &config.jobs, reader) }
        if let node = map["platform"] { PlatformReader.read(node, &config.platform, reader) }
        if let node = map["feedback"] { FeedbackReader.read(node, &config.feedback, reader) }
        if let node = map["bills"] { EvidenceReader.readBills(node, &config.bills, reader) }
        if let node = map["callbacks"] { EvidenceReader.readCallbacks(node, &config.callbacks, reader) }
        if let node = map["metrics"] { readMetrics(node, &config.metrics, reader) }
        if let node = map["tms"] { TMSReader.read(node, &config.tms, reader) }
        if let node = map["gateways"] { config.gateways = GatewayReader.read(node, reader) }
        if let node = map["plans"] { config.plans = JobsReader.readPlans(node, reader) }
        if let node = map["stores"] { config.stores = EvidenceReader.readStores(node, reader) }
        if let node = map["terminals"] {
            config.terminals = TerminalReader.read(node, defaultInterval: config.polling.interval, reader)
        }
    }

    private static func readMetrics(_ node: Node, _ section: inout MetricsSection, _ reader: NodeReader) {
        guard let fields = reader.mapping(node, "metrics", keys: ["listen"]) else { return }
        section.listen = fields["listen"].flatMap { reader.listenAddress($0, "metrics.listen") }
    }

    private static func readDaemon(_ node: Node, _ section: inout DaemonSection, _ reader: NodeReader) {
        let path = "daemon"
        guard let fields = reader.mapping(node, path, keys: ["state_dir", "status_interval"]) else { return }
        assign(&section.stateDirectory, fields["state_dir"]) { reader.string($0, "\(path).state_dir") }
        assign(&section.statusInterval, fields["status_interval"]) {
            reader.duration($0, "\(path).status_interval", positive: true)
        }
    }

    private static func readPolling(_ node: Node, _ section: inout PollingSection, _ reader: NodeReader) {
        let path = "polling"
        guard let fields = reader.mapping(node, path, keys: ["interval", "timeout", "max_concurrent", "page_limit"])
        else { return }
        assign(&section.interval, fields["interval"]) { reader.duration($0, "\(path).interval", positive: true) }
        assign(&section.timeout, fields["timeout"]) { reader.duration($0, "\(path).timeout", positive: true) }
        assign(&section.maxConcurrent, fields["max_concurrent"]) {
            reader.int($0, "\(path).max_concurrent", min: 1, max: 100_000)
        }
        assign(&section.pageLimit, fields["page_limit"]) { reader.int($0, "\(path).page_limit", min: 1, max: 10_000) }
    }

    private static func readDetection(_ node: Node, _ section: inout DetectionSection, _ reader: NodeReader) {
        let path = "detection"
        let keys = [
            "lingering_credit_pay", "credit_pay_attempt", "terminal_unreachable", "payment_failure_rate",
            "negative_feedback",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        if let child = fields["negative_feedback"] {
            FeedbackReader.readRule(child, "\(path).negative_feedback", &section.negativeFeedback, reader)
        }
        if let child = fields["lingering_credit_pay"],
            let rule = reader.mapping(
                child,
                "\(path).lingering_credit_pay",
                keys: [
                    "enabled", "resolve_after", "repeat_interval",
                ]
            )
        {
            let rulePath = "\(path).lingering_credit_pay"
            assign(&section.lingeringCreditPay.enabled, rule["enabled"]) { reader.bool($0, "\(rulePath).enabled") }
            assign(&section.lingeringCreditPay.resolveAfter, rule["resolve_after"]) {
                reader.duration($0, "\(rulePath).resolve_after", positive: true)
            }
            assign(&section.lingeringCreditPay.repeatInterval, rule["repeat_interval"]) {
                reader.duration($0, "\(rulePath).repeat_interval", positive: true)
            }
        }
        if let child = fields["credit_pay_attempt"],
            let rule = reader.mapping(
                child,
                "\(path).credit_pay_attempt",
                keys: [
                    "enabled", "threshold", "window", "for", "repeat_interval",
                ]
            )
        {
            let rulePath = "\(path).credit_pay_attempt"
            assign(&section.creditPayAttempt.enabled, rule["enabled"]) { reader.bool($0, "\(rulePath).enabled") }
            assign(&section.creditPayAttempt.threshold, rule["threshold"]) {
                reader.int($0, "\(rulePath).threshold", min: 1, max: 1_000_000)
            }
            assign(&section.creditPayAttempt.window, rule["window"]) {
                reader.duration($0, "\(rulePath).window", positive: true)
            }
            assign(&section.creditPayAttempt.pendingFor, rule["for"]) { reader.duration($0, "\(rulePath).for") }
            assign(&section.creditPayAttempt.repeatInterval, rule["repeat_interval"]) {
                reader.duration($0, "\(rulePath).repeat_interval", positive: true)
            }
        }
        if let child = fields["terminal_unreachable"],
            let rule = reader.mapping(
                child,
                "\(path).terminal_unreachable",
                keys: [
                    "enabled", "consecutive_failures", "repeat_interval",
                ]
            )
        {
            let rulePath = "\(path).terminal_unreachable"
            assign(&section.terminalUnreachable.enabled, rule["enabled"]) { reader.bool($0, "\(rulePath).enabled") }
            assign(&section.terminalUnreachable.consecutiveFailures, rule["consecutive_failures"]) {
                reader.int($0, "\(rulePath).consecutive_failures", min: 1, max: 10_000)
            }
            assign(&section.terminalUnreachable.repeatInterval, rule["repeat_interval"]) {
                reader.duration($0, "\(rulePath).repeat_interval", positive: true)
            }
        }
        if let child = fields["payment_failure_rate"],
            let rule = reader.mapping(
                child,
                "\(path).payment_failure_rate",
                keys: [
                    "enabled", "window", "margin", "min_sample", "baseline_min_sample", "baseline_default", "for",
                    "repeat_interval",
                ]
            )
        {
            let rulePath = "\(path).payment_failure_rate"
            assign(&section.paymentFailureRate.enabled, rule["enabled"]) { reader.bool($0, "\(rulePath).enabled") }
            assign(&section.paymentFailureRate.window, rule["window"]) {
                reader.duration($0, "\(rulePath).window", positive: true)
            }
            assign(&section.paymentFailureRate.margin, rule["margin"]) {
                reader.double($0, "\(rulePath).margin", min: 0, max: 1)
            }
            assign(&section.paymentFailureRate.minSample, rule["min_sample"]) {
                reader.int($0, "\(rulePath).min_sample", min: 1, max: 1_000_000)
            }
            assign(&section.paymentFailureRate.baselineMinSample, rule["baseline_min_sample"]) {
                reader.int($0, "\(rulePath).baseline_min_sample", min: 1, max: 1_000_000)
            }
            assign(&section.paymentFailureRate.baselineDefault, rule["baseline_default"]) {
                reader.double($0, "\(rulePath).baseline_default", min: 0, max: 1)
            }
            assign(&section.paymentFailureRate.pendingFor, rule["for"]) { reader.duration($0, "\(rulePath).for") }
            assign(&section.paymentFailureRate.repeatInterval, rule["repeat_interval"]) {
                reader.duration($0, "\(rulePath).repeat_interval", positive: true)
            }
        }
    }

    private static func readAlerts(_ node: Node, _ section: inout AlertsSection, _ reader: NodeReader) {
        let path = "alerts"
        guard let fields = reader.mapping(node, path, keys: ["burst", "rate_per_second", "summary_interval"]) else {
            return
        }
        assign(&section.burst, fields["burst"]) { reader.int($0, "\(path).burst", min: 1, max: 100_000) }
        assign(&section.ratePerSecond, fields["rate_per_second"]) {
            reader.double($0, "\(path).rate_per_second", min: 0.01, max: 100_000)
        }
        assign(&section.summaryInterval, fields["summary_interval"]) {
            reader.duration($0, "\(path).summary_interval", positive: true)
        }
    }

    private static func readStore(_ node: Node, _ section: inout StoreSection, _ reader: NodeReader) {
        guard let fields = reader.mapping(node, "store", keys: ["transaction_retention"]) else { return }
        assign(&section.transactionRetention, fields["transaction_retention"]) {
            reader.duration($0, "store.transaction_retention", positive: true)
        }
    }

    private static func readSimulation(_ node: Node, _ section: inout SimulationSection, _ reader: NodeReader) {
        let path = "simulation"
        let keys = ["seed", "transactions_per_minute", "credit_pay_share", "feedback_per_hour", "scenario", "tms"]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        assign(&section.seed, fields["seed"]) { reader.int($0, "\(path).seed", min: 0).map(UInt64.init) }
        assign(&section.transactionsPerMinute, fields["transactions_per_minute"]) {
            reader.double($0, "\(path).transactions_per_minute", min: 0, max: 6000)
        }
        assign(&section.creditPayShare, fields["credit_pay_share"]) {
            reader.double($0, "\(path).credit_pay_share", min: 0, max: 1)
        }
        assign(&section.feedbackPerHour, fields["feedback_per_hour"]) {
            reader.double($0, "\(path).feedback_per_hour", min: 0, max: 3600)
        }
        if let child = fields["scenario"] { ScenarioReader.read(child, "\(path).scenario", &section.scenario, reader) }
        if let child = fields["tms"] { TMSReader.readSimulation(child, "\(path).tms", &section.tms, reader) }
    }

    /// Checks that need the whole file: references between sections and duplicate ids.
    private static func crossCheck(_ config: DaemonConfig, _ reader: NodeReader) {
        var seen: Set<String> = []
        for (index, terminal) in config.terminals.enumerated() where !seen.insert(terminal.id).inserted {
            reader.report("terminals[\(index)].id", nil, "duplicate terminal id '\(terminal.id)'")
        }
        let stores = Set(config.terminals.map(\.store))
        EvidenceReader.crossCheck(config, stores: stores, reader)
        TMSReader.crossCheck(config, reader)
        GatewayReader.crossCheck(config, reader)
        let scenario = config.simulation.scenario
        for (index, id) in scenario.missedUpdate.enumerated() where !seen.contains(id) {
            reader.report("simulation.scenario.missed_update[\(index)]", nil, "unknown terminal '\(id)'")
        }
        for (index, fault) in scenario.agentFaults.enumerated() where !seen.contains(fault.terminal) {
            reader.report(
                "simulation.scenario.agent_faults[\(index)].terminal",
                nil,
                "unknown terminal '\(fault.terminal)'"
            )
        }
        for (index, window) in scenario.offline.enumerated() where !seen.contains(window.terminal) {
            reader.report(
                "simulation.scenario.offline[\(index)].terminal",
                nil,
                "unknown terminal '\(window.terminal)'"
            )
        }
        for (index, burst) in scenario.errorBursts.enumerated() where !stores.contains(burst.store) {
            reader.report("simulation.scenario.error_bursts[\(index)].store", nil, "unknown store '\(burst.store)'")
        }
        JobsReader.crossCheck(config, known: seen, stores: stores, reader)
        FeedbackReader.crossCheck(config.feedback, stores: stores, unhappy: scenario.unhappyStores, reader)
    }
}
