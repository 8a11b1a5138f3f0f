import Foundation
import Yams

/// Reads `tms:` (the PAXSTORE account and what its pushes carry) and `simulation.tms` (how the simulator plays it).
enum TMSReader {
    static func read(_ node: Node, _ section: inout TMSSection, _ reader: NodeReader) {
        guard let fields = reader.mapping(node, "tms", keys: ["paxstore"]) else { return }
        if let child = fields["paxstore"] { section.paxstore = readPaxstore(child, "tms.paxstore", reader) }
    }

    private static func readPaxstore(_ node: Node, _ path: String, _ reader: NodeReader) -> PaxstoreAccount? {
        let keys = [
            "base_url", "api_key", "api_secret_file", "package_name", "app_version", "parameters", "plugin_packages",
            "rate_limit", "rate_window",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return nil }
        var values: [String: String] = [:]
        for key in ["base_url", "api_key", "api_secret_file", "package_name", "app_version"] {
            guard let child = fields[key] else { continue }
            values[key] = reader.string(child, "\(path).\(key)")
        }
        for key in ["base_url", "api_key", "api_secret_file", "package_name"] where fields[key] == nil {
            reader.report("\(path).\(key)", node, "is required")
        }
        if let key = values["api_key"],
            key.count > 64 || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        {
            reader.report("\(path).api_key", fields["api_key"], "must be the access key's letters and digits")
        }
        for key in ["package_name", "app_version"] {
            if let value = values[key], !isPackageText(value) {
                reader.report("\(path).\(key)", fields[key], "must be letters, digits, '.', '_' or '-'")
            }
        }
        guard let base = values["base_url"], let node = fields["base_url"],
            let url = ConfigParser.checkedURL(base, node, "\(path).base_url", reader),
            let key = values["api_key"], let secret = values["api_secret_file"], let package = values["package_name"]
        else { return nil }
        var account = PaxstoreAccount(baseURL: url, apiKey: key, apiSecretFile: secret, packageName: package)
        account.appVersion = values["app_version"]
        if let child = fields["parameters"] {
            for (name, keyNode, value) in reader.pairs(child, "\(path).parameters") ?? [] {
                let itemPath = "\(path).parameters.\(name)"
                guard let provider = provider(name, keyNode, itemPath, reader),
                    let item = reader.mapping(value, itemPath, keys: ["template", "pid", "off", "on"])
                else { continue }
                var texts: [String: String] = [:]
                for field in ["template", "pid", "off", "on"] {
                    guard let child = item[field] else {
                        reader.report("\(itemPath).\(field)", value, "is required")
                        continue
                    }
                    texts[field] = reader.string(
                        child,
                        "\(itemPath).\(field)",
                        nonEmpty: field == "template" || field == "pid"
                    )
                }
                guard let template = texts["template"], let pid = texts["pid"], let off = texts["off"],
                    let on = texts["on"]
                else { continue }
                if off == on { reader.report("\(itemPath).on", item["on"], "must differ from off") }
                account.parameters[provider] = PaxstoreParameter(template: template, pid: pid, off: off, on: on)
            }
        }
        if let child = fields["plugin_packages"] {
            for (name, keyNode, value) in reader.pairs(child, "\(path).plugin_packages") ?? [] {
                let itemPath = "\(path).plugin_packages.\(name)"
                guard let provider = provider(name, keyNode, itemPath, reader),
                    let package = reader.string(value, itemPath)
                else { continue }
                guard isPackageText(package) else {
                    reader.report(itemPath, value, "must be letters, digits, '.', '_' or '-'")
                    continue
                }
                account.pluginPackages[provider] = package
            }
        }
        assign(&account.rateLimit, fields["rate_limit"]) { reader.int($0, "\(path).rate_limit", min: 1, max: 100_000) }
        assign(&account.rateWindow, fields["rate_window"]) {
            reader.duration($0, "\(path).rate_window", positive: true)
        }
        return account
    }

    static func readSimulation(_ node: Node, _ path: String, _ section: inout TMSSimulationConfig, _ reader: NodeReader)
    {
        let keys = [
            "rate_limit", "rate_window", "throttle_share", "server_error_share", "lost_answer_share", "task_delay",
            "offline", "task_expiry",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        assign(&section.rateLimit, fields["rate_limit"]) {
            reader.int($0, "\(path).rate_limit", min: 1, max: 1_000_000)
        }
        assign(&section.rateWindow, fields["rate_window"]) {
            reader.duration($0, "\(path).rate_window", positive: true)
        }
        assign(&section.throttleShare, fields["throttle_share"]) {
            reader.double($0, "\(path).throttle_share", min: 0, max: 1)
        }
        assign(&section.serverErrorShare, fields["server_error_share"]) {
            reader.double($0, "\(path).server_error_share", min: 0, max: 1)
        }
        assign(&section.lostAnswerShare, fields["lost_answer_share"]) {
            reader.double($0, "\(path).lost_answer_share", min: 0, max: 1)
        }
        assign(&section.taskDelay, fields["task_delay"]) { reader.duration($0, "\(path).task_delay") }
        assign(&section.taskExpiry, fields["task_expiry"]) {
            reader.duration($0, "\(path).task_expiry", positive: true)
        }
        if let child = fields["offline"], let items = reader.sequence(child, "\(path).offline") {
            section.offline = items.enumerated().compactMap { reader.string($1, "\(path).offline[\($0)]") }
        }
    }

    /// Terminals that name a TMS need its account; polls of terminals known only to it fit in half its budget,
    /// so that the jobs' commands always have the other half.
    static func crossCheck(_ config: DaemonConfig, _ reader: NodeReader) {
        guard let account = config.tms.paxstore else {
            if let terminal = config.terminals.first(where: { $0.tms == "paxstore" }) {
                reader.report("tms.paxstore", nil, "is required: terminal '\(terminal.id)' names tms: paxstore")
            }
            return
        }
        let polled = config.terminals.filter { $0.driver == "tms" }
        let rate = polled.reduce(0.0) { $0 + 1 / max(0.001, $1.pollInterval.seconds) }
        let half = account.pollBudgetPerSecond
        if rate > half {
            let needed = (Double(polled.count) / half).rounded(.up)
            reader.report(
                "terminals",
                nil,
                String(
                    format: "the %d terminals with driver: tms would poll PAXSTORE %.2f times a second, more than half "
                        + "its key's budget (%.2f/s): give them a poll_interval of at least %.0fs",
                    polled.count,
                    rate,
                    half,
                    needed
                )
            )
        }
    }

    private static func provider(_ name: String, _ node: Node, _ path: String, _ reader: NodeReader) -> CreditProvider?
    {
        guard let provider = CreditProvider(rawValue: name) else {
            let known = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
            reader.report(path, node, "unknown provider (known: \(known))")
            return nil
        }
        return provider
    }

    private static func isPackageText(_ text: String) -> Bool {
        text.count <= 128
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}
