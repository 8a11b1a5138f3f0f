import Foundation
import Yams

/// Reads `jobs:` and `plans:`: how cancellations run and in which waves.
enum JobsReader {
    static func readJobs(_ node: Node, _ s: inout JobsSection, _ r: NodeReader) {
        guard let m = r.mapping(node, "jobs", keys: ["platform_rate", "terminal_rate"]) else { return }
        if let n = m["platform_rate"],
            let rate = readRate(n, "jobs.platform_rate", defaults: (s.platformPerSecond, s.platformBurst), r)
        {
            (s.platformPerSecond, s.platformBurst) = rate
        }
        if let n = m["terminal_rate"],
            let rate = readRate(n, "jobs.terminal_rate", defaults: (s.terminalPerSecond, s.terminalBurst), r)
        {
            (s.terminalPerSecond, s.terminalBurst) = rate
        }
    }

    /// A rate limit; a key left out keeps its default.
    private static func readRate(_ node: Node, _ p: String, defaults: (Double, Int), _ r: NodeReader) -> (Double, Int)?
    {
        guard let m = r.mapping(node, p, keys: ["per_second", "burst"]) else { return nil }
        let perSecond = m["per_second"].map { r.double($0, "\(p).per_second", min: 0.001, max: 100_000) } ?? defaults.0
        let burst = m["burst"].map { r.int($0, "\(p).burst", min: 1, max: 100_000) } ?? defaults.1
        guard let perSecond, let burst else { return nil }
        return (perSecond, burst)
    }

    static func readPlans(_ node: Node, _ r: NodeReader) -> [PlanConfig] {
        guard let items = r.sequence(node, "plans") else { return [] }
        return items.enumerated().compactMap { readPlan($1, "plans[\($0)]", r) }
    }

    /// One plan; also used for `posrevokectl plans create FILE`.
    static func readPlan(_ node: Node, _ p: String, _ r: NodeReader) -> PlanConfig? {
        let keys = [
            "id", "kind", "select", "providers", "window", "waves", "gate", "retry", "vendor_confirmation",
            "review_overdue", "watch", "reminder_interval", "accepted_methods",
        ]
        guard let m = r.mapping(node, p, keys: keys) else { return nil }
        guard let idNode = m["id"] else {
            r.report("\(p).id", node, "is required")
            return nil
        }
        guard let id = r.string(idNode, "\(p).id") else { return nil }
        // The id names the plan's backup directory: it must be one safe file name.
        if let problem = PlanConfig.fileNameProblem(id) { r.report("\(p).id", idNode, problem) }
        var plan = PlanConfig(id: id)
        if let n = m["kind"], let text = r.string(n, "\(p).kind") {
            if let kind = JobKind(rawValue: text) {
                plan.kind = kind
            } else {
                r.report("\(p).kind", n, "must be cancel or restore")
            }
        }
        if let n = m["select"], let sel = r.mapping(n, "\(p).select", keys: ["terminals", "stores", "tags"]) {
            func list(_ key: String) -> [String] {
                guard let n = sel[key], let items = r.sequence(n, "\(p).select.\(key)") else { return [] }
                return items.enumerated().compactMap { r.string($1, "\(p).select.\(key)[\($0)]") }
            }
            plan.select.terminals = list("terminals")
            plan.select.stores = list("stores")
            plan.select.tags = list("tags")
        }
        if let n = m["providers"], let items = r.sequence(n, "\(p).providers") {
            plan.providers = items.enumerated().compactMap { index, item in
                guard let text = r.string(item, "\(p).providers[\(index)]") else { return nil }
                guard let provider = CreditProvider(rawValue: text) else {
                    r.report("\(p).providers[\(index)]", item, "unknown provider")
                    return nil
                }
                return provider
            }
            if plan.providers.isEmpty { r.report("\(p).providers", n, "must name at least one provider") }
        }
        if let n = m["window"], let w = r.mapping(n, "\(p).window", keys: ["start", "end", "timezone", "not_before"]) {
            for key in ["start", "end"] {
                guard let v = w[key], let text = r.string(v, "\(p).window.\(key)") else { continue }
                if PlanConfig.WindowConfig.minutes(text) == nil {
                    r.report("\(p).window.\(key)", v, "must be a time of day such as 02:00")
                } else if key == "start" {
                    plan.window.start = text
                } else {
                    plan.window.end = text
                }
            }
            if let v = w["timezone"], let text = r.string(v, "\(p).window.timezone") {
                if TimeZone(identifier: text) == nil {
                    r.report("\(p).window.timezone", v, "unknown time zone (use an IANA name such as Asia/Shanghai)")
                } else {
                    plan.window.timeZone = text
                }
            }
            plan.window.notBefore = w["not_before"].flatMap { r.date($0, "\(p).window.not_before") }
        }
        if let n = m["waves"], let w = r.mapping(n, "\(p).waves", keys: ["canary", "size", "percent", "soak"]) {
            w["canary"].flatMap { r.int($0, "\(p).waves.canary", min: 0, max: 100_000) }.map { plan.waves.canary = $0 }
            plan.waves.size = w["size"].flatMap { r.int($0, "\(p).waves.size", min: 1, max: 100_000) }
            plan.waves.percent = w["percent"].flatMap { r.double($0, "\(p).waves.percent", min: 0.1, max: 100) }
            if w["size"] != nil && w["percent"] != nil {
                r.report("\(p).waves", n, "set either size or percent, not both")
            }
            w["soak"].flatMap { r.duration($0, "\(p).waves.soak") }.map { plan.waves.soak = $0 }
        }
        if let n = m["gate"], let g = r.mapping(n, "\(p).gate", keys: ["blocking_alerts", "max_failed_jobs"]) {
            if let b = g["blocking_alerts"], let items = r.sequence(b, "\(p).gate.blocking_alerts") {
                plan.gate.blockingAlerts = items.enumerated().compactMap { index, item in
                    guard let text = r.string(item, "\(p).gate.blocking_alerts[\(index)]") else { return nil }
                    guard let kind = AlertKind(rawValue: text) else {
                        r.report("\(p).gate.blocking_alerts[\(index)]", item, "unknown alert kind")
                        return nil
                    }
                    return kind
                }
            }
            g["max_failed_jobs"].flatMap { r.int($0, "\(p).gate.max_failed_jobs", min: 0) }
                .map { plan.gate.maxFailedJobs = $0 }
        }
        if let n = m["retry"],
            let t = r.mapping(
                n,
                "\(p).retry",
                keys: [
                    "max_attempts", "initial_backoff", "max_backoff", "step_timeout",
                ]
            )
        {
            t["max_attempts"].flatMap { r.int($0, "\(p).retry.max_attempts", min: 1, max: 1000) }
                .map { plan.retry.maxAttempts = $0 }
            t["initial_backoff"].flatMap { r.duration($0, "\(p).retry.initial_backoff", positive: true) }
                .map { plan.retry.initialBackoff = $0 }
            t["max_backoff"].flatMap { r.duration($0, "\(p).retry.max_backoff", positive: true) }
                .map { plan.retry.maxBackoff = $0 }
            t["step_timeout"].flatMap { r.duration($0, "\(p).retry.step_timeout", positive: true) }
                .map { plan.retry.stepTimeout = $0 }
        }
        m["vendor_confirmation"].flatMap { r.bool($0, "\(p).vendor_confirmation") }.map { plan.vendorConfirmation = $0 }
        m["review_overdue"].flatMap { r.duration($0, "\(p).review_overdue", positive: true) }.map {
            plan.reviewOverdue = $0
        }
        m["watch"].flatMap { r.duration($0, "\(p).watch") }.map { plan.watch = $0 }
        m["reminder_interval"].flatMap { r.duration($0, "\(p).reminder_interval", positive: true) }
            .map { plan.reminderInterval = $0 }
        if let n = m["accepted_methods"], let items = r.sequence(n, "\(p).accepted_methods") {
            plan.acceptedMethods = items.enumerated().compactMap { r.string($1, "\(p).accepted_methods[\($0)]") }
        }
        return plan
    }

    static func crossCheck(_ config: DaemonConfig, known: Set<String>, stores: Set<String>, _ r: NodeReader) {
        var ids: Set<String> = []
        for (index, plan) in config.plans.enumerated() {
            if !ids.insert(plan.id).inserted { r.report("plans[\(index)].id", nil, "duplicate plan id '\(plan.id)'") }
            for (i, id) in plan.select.terminals.enumerated() where !known.contains(id) {
                r.report("plans[\(index)].select.terminals[\(i)]", nil, "unknown terminal '\(id)'")
            }
            for (i, store) in plan.select.stores.enumerated() where !stores.contains(store) {
                r.report("plans[\(index)].select.stores[\(i)]", nil, "unknown store '\(store)'")
            }
            if let problem = simulatedPlatformForRealTerminal(plan, config) {
                r.report("plans[\(index)].providers", nil, problem)
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
