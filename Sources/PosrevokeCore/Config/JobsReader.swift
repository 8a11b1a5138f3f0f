import Foundation
import Yams

/// Reads `jobs:` and `plans:`: how cancellations run and in which waves.
enum JobsReader {
    static func readJobs(_ node: Node, _ section: inout JobsSection, _ reader: NodeReader) {
        guard let fields = reader.mapping(node, "jobs", keys: ["platform_rate", "terminal_rate"]) else { return }
        if let child = fields["platform_rate"],
            let rate = readRate(
                child,
                "jobs.platform_rate",
                defaults: (section.platformPerSecond, section.platformBurst),
                reader
            )
        {
            (section.platformPerSecond, section.platformBurst) = rate
        }
        if let child = fields["terminal_rate"],
            let rate = readRate(
                child,
                "jobs.terminal_rate",
                defaults: (section.terminalPerSecond, section.terminalBurst),
                reader
            )
        {
            (section.terminalPerSecond, section.terminalBurst) = rate
        }
    }

    /// A rate limit; a key left out keeps its default.
    private static func readRate(
        _ node: Node,
        _ path: String,
        defaults: (Double, Int),
        _ reader: NodeReader
    ) -> (Double, Int)? {
        guard let fields = reader.mapping(node, path, keys: ["per_second", "burst"]) else { return nil }
        let perSecond =
            fields["per_second"].map { reader.double($0, "\(path).per_second", min: 0.001, max: 100_000) } ?? defaults.0
        let burst = fields["burst"].map { reader.int($0, "\(path).burst", min: 1, max: 100_000) } ?? defaults.1
        guard let perSecond, let burst else { return nil }
        return (perSecond, burst)
    }

    static func readPlans(_ node: Node, _ reader: NodeReader) -> [PlanConfig] {
        guard let items = reader.sequence(node, "plans") else { return [] }
        return items.enumerated().compactMap { readPlan($1, "plans[\($0)]", reader) }
    }

    /// One plan; also used for `posrevokectl plans create FILE`.
    static func readPlan(_ node: Node, _ path: String, _ reader: NodeReader) -> PlanConfig? {
        let keys = [
            "id", "kind", "select", "providers", "window", "waves", "gate", "retry", "vendor_confirmation",
            "review_overdue", "watch", "reminder_interval", "accepted_methods",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return nil }
        guard let idNode = fields["id"] else {
            reader.report("\(path).id", node, "is required")
            return nil
        }
        guard let id = reader.string(idNode, "\(path).id") else { return nil }
        // The id names the plan's backup directory: it must be one safe file name.
        if let problem = PlanConfig.fileNameProblem(id) { reader.report("\(path).id", idNode, problem) }
        var plan = PlanConfig(id: id)
        if let child = fields["kind"], let text = reader.string(child, "\(path).kind") {
            if let kind = JobKind(rawValue: text) {
                plan.kind = kind
            } else {
                reader.report("\(path).kind", child, "must be cancel or restore")
            }
        }
        if let child = fields["select"],
            let selection = reader.mapping(child, "\(path).select", keys: ["terminals", "stores", "tags"])
        {
            func list(_ key: String) -> [String] {
                guard let value = selection[key], let items = reader.sequence(value, "\(path).select.\(key)")
                else { return [] }
                return items.enumerated().compactMap { reader.string($1, "\(path).select.\(key)[\($0)]") }
            }
            plan.select.terminals = list("terminals")
            plan.select.stores = list("stores")
            plan.select.tags = list("tags")
        }
        if let child = fields["providers"], let items = reader.sequence(child, "\(path).providers") {
            plan.providers = items.enumerated().compactMap { index, item in
                guard let text = reader.string(item, "\(path).providers[\(index)]") else { return nil }
                guard let provider = CreditProvider(rawValue: text) else {
                    reader.report("\(path).providers[\(index)]", item, "unknown provider")
                    return nil
                }
                return provider
            }
            if plan.providers.isEmpty { reader.report("\(path).providers", child, "must name at least one provider") }
        }
        if let child = fields["window"],
            let window = reader.mapping(child, "\(path).window", keys: ["start", "end", "timezone", "not_before"])
        {
            for key in ["start", "end"] {
                guard let value = window[key], let text = reader.string(value, "\(path).window.\(key)")
                else { continue }
                if PlanConfig.WindowConfig.minutes(text) == nil {
                    reader.report("\(path).window.\(key)", value, "must be a time of day such as 02:00")
                } else if key == "start" {
                    plan.window.start = text
                } else {
                    plan.window.end = text
                }
            }
            if let value = window["timezone"], let text = reader.string(value, "\(path).window.timezone") {
                if TimeZone(identifier: text) == nil {
                    reader.report(
                        "\(path).window.timezone",
                        value,
                        "unknown time zone (use an IANA name such as Asia/Shanghai)"
                    )
                } else {
                    plan.window.timeZone = text
                }
            }
            plan.window.notBefore = window["not_before"].flatMap { reader.date($0, "\(path).window.not_before") }
        }
        if let child = fields["waves"],
            let waves = reader.mapping(child, "\(path).waves", keys: ["canary", "size", "percent", "soak"])
        {
            assign(&plan.waves.canary, waves["canary"]) {
                reader.int($0, "\(path).waves.canary", min: 0, max: 100_000)
            }
            plan.waves.size = waves["size"].flatMap { reader.int($0, "\(path).waves.size", min: 1, max: 100_000) }
            plan.waves.percent = waves["percent"].flatMap {
                reader.double($0, "\(path).waves.percent", min: 0.1, max: 100)
            }
            if waves["size"] != nil && waves["percent"] != nil {
                reader.report("\(path).waves", child, "set either size or percent, not both")
            }
            assign(&plan.waves.soak, waves["soak"]) { reader.duration($0, "\(path).waves.soak") }
        }
        if let child = fields["gate"],
            let gate = reader.mapping(child, "\(path).gate", keys: ["blocking_alerts", "max_failed_jobs"])
        {
            if let value = gate["blocking_alerts"], let items = reader.sequence(value, "\(path).gate.blocking_alerts") {
                plan.gate.blockingAlerts = items.enumerated().compactMap { index, item in
                    guard let text = reader.string(item, "\(path).gate.blocking_alerts[\(index)]") else { return nil }
                    guard let kind = AlertKind(rawValue: text) else {
                        reader.report("\(path).gate.blocking_alerts[\(index)]", item, "unknown alert kind")
                        return nil
                    }
                    return kind
                }
            }
            assign(&plan.gate.maxFailedJobs, gate["max_failed_jobs"]) {
                reader.int($0, "\(path).gate.max_failed_jobs", min: 0)
            }
        }
        if let child = fields["retry"],
            let retry = reader.mapping(
                child,
                "\(path).retry",
                keys: [
                    "max_attempts", "initial_backoff", "max_backoff", "step_timeout",
                ]
            )
        {
            assign(&plan.retry.maxAttempts, retry["max_attempts"]) {
                reader.int($0, "\(path).retry.max_attempts", min: 1, max: 1000)
            }
            assign(&plan.retry.initialBackoff, retry["initial_backoff"]) {
                reader.duration($0, "\(path).retry.initial_backoff", positive: true)
            }
            assign(&plan.retry.maxBackoff, retry["max_backoff"]) {
                reader.duration($0, "\(path).retry.max_backoff", positive: true)
            }
            assign(&plan.retry.stepTimeout, retry["step_timeout"]) {
                reader.duration($0, "\(path).retry.step_timeout", positive: true)
            }
        }
        assign(&plan.vendorConfirmation, fields["vendor_confirmation"]) {
            reader.bool($0, "\(path).vendor_confirmation")
        }
        assign(&plan.reviewOverdue, fields["review_overdue"]) {
            reader.duration($0, "\(path).review_overdue", positive: true)
        }
        assign(&plan.watch, fields["watch"]) { reader.duration($0, "\(path).watch") }
        assign(&plan.reminderInterval, fields["reminder_interval"]) {
            reader.duration($0, "\(path).reminder_interval", positive: true)
        }
        if let child = fields["accepted_methods"], let items = reader.sequence(child, "\(path).accepted_methods") {
            plan.acceptedMethods = items.enumerated().compactMap {
                reader.string($1, "\(path).accepted_methods[\($0)]")
            }
        }
        return plan
    }

    static func crossCheck(_ config: DaemonConfig, known: Set<String>, stores: Set<String>, _ reader: NodeReader) {
        var ids: Set<String> = []
        for (index, plan) in config.plans.enumerated() {
            if !ids.insert(plan.id).inserted {
                reader.report("plans[\(index)].id", nil, "duplicate plan id '\(plan.id)'")
            }
            for (position, id) in plan.select.terminals.enumerated() where !known.contains(id) {
                reader.report("plans[\(index)].select.terminals[\(position)]", nil, "unknown terminal '\(id)'")
            }
            for (position, store) in plan.select.stores.enumerated() where !stores.contains(store) {
                reader.report("plans[\(index)].select.stores[\(position)]", nil, "unknown store '\(store)'")
            }
            if let problem = simulatedPlatformForRealTerminal(plan, config) {
                reader.report("plans[\(index)].providers", nil, problem)
            }
        }
    }

    /// The built-in platform only knows the simulated fleet: a plan whose platform steps would "succeed" there for a
    /// real terminal would report a cancellation that never happened.
    static func simulatedPlatformForRealTerminal(_ plan: PlanConfig, _ config: DaemonConfig) -> String? {
        for provider in plan.providers where (config.platform.providers[provider] ?? .simulated) == .simulated {
            guard
                let real = config.terminals.first(where: {
                    $0.driver != "simulated" && $0.providers[provider] != nil && plan.select.matches($0)
                })
            else { continue }
            return "would run the platform steps of \(provider.rawValue) on the simulated platform for terminal "
                + "'\(real.id)' (driver \(real.driver)), which is not simulated; set "
                + "platform.providers.\(provider.rawValue) to http or manual"
        }
        return nil
    }
}

extension ConfigParser {
    /// Parses a standalone plan file (one plan mapping), as `posrevokectl plans create` sends it.
    /// - Parameter platform: the running config's platform section; a plan may not use the simulated platform for
    ///   terminals that are not simulated.
    public static func parsePlan(
        yaml: String,
        terminals: [Terminal],
        platform: PlatformSection = PlatformSection()
    ) throws(ConfigErrors) -> PlanConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw ConfigErrors([ConfigIssue(path: "", line: nil, message: "YAML error: \(error)")])
        }
        guard let root else {
            throw ConfigErrors([ConfigIssue(path: "", line: nil, message: "the plan file is empty")])
        }
        let reader = NodeReader()
        let plan = JobsReader.readPlan(root, "plan", reader)
        if let plan, reader.issues.isEmpty {
            var config = DaemonConfig()
            config.terminals = terminals
            config.platform = platform
            config.plans = [plan]
            JobsReader.crossCheck(config, known: Set(terminals.map(\.id)), stores: Set(terminals.map(\.store)), reader)
        }
        guard let plan, reader.issues.isEmpty else { throw ConfigErrors(reader.issues) }
        return plan
    }
}
