import Foundation
import Yams

/// Reads the `terminals:` inventory: id, store, tags, driver and per-provider cancellation state.
enum TerminalReader {
    static func read(_ node: Node, defaultInterval: Duration, _ reader: NodeReader) -> [Terminal] {
        guard let items = reader.sequence(node, "terminals") else { return [] }
        return items.enumerated().compactMap { index, item in
            readOne(item, "terminals[\(index)]", defaultInterval: defaultInterval, reader)
        }
    }

    private static func readOne(
        _ node: Node,
        _ path: String,
        defaultInterval: Duration,
        _ reader: NodeReader
    ) -> Terminal? {
        let keys = [
            "id", "store", "tags", "driver", "poll_interval", "providers", "url", "token_file", "allow_plain_http",
            "device_info", "tms", "serial_no", "gateway",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return nil }
        guard let idNode = fields["id"] else {
            reader.report("\(path).id", node, "is required")
            return nil
        }
        guard let storeNode = fields["store"] else {
            reader.report("\(path).store", node, "is required")
            return nil
        }
        guard let id = reader.string(idNode, "\(path).id"), let store = reader.string(storeNode, "\(path).store")
        else { return nil }
        if id.contains(where: { $0.isWhitespace || $0 == "/" }) {
            reader.report("\(path).id", idNode, "must not contain spaces or '/'")
        }
        var terminal = Terminal(id: id, store: store, pollInterval: defaultInterval, providers: [:])
        if let child = fields["tags"], let tags = reader.sequence(child, "\(path).tags") {
            terminal.tags = tags.enumerated().compactMap { reader.string($1, "\(path).tags[\($0)]") }
        }
        if let child = fields["driver"], let driver = reader.string(child, "\(path).driver") {
            if ConfigParser.knownDrivers.contains(driver) {
                terminal.driver = driver
            } else {
                reader.report(
                    "\(path).driver",
                    child,
                    "unknown driver '\(driver)' (known: \(ConfigParser.knownDrivers.joined(separator: ", ")))"
                )
            }
        }
        assign(&terminal.pollInterval, fields["poll_interval"]) {
            reader.duration($0, "\(path).poll_interval", positive: true)
        }
        if let child = fields["providers"] { terminal.providers = readProviders(child, "\(path).providers", reader) }
        if let child = fields["url"], let url = reader.string(child, "\(path).url") {
            terminal.url = ConfigParser.checkedURL(url, child, "\(path).url", reader)
        }
        if let child = fields["token_file"], let tokenFile = reader.string(child, "\(path).token_file") {
            terminal.tokenFile = tokenFile
        }
        if let child = fields["gateway"] { terminal.gateway = reader.string(child, "\(path).gateway") }
        if let child = fields["device_info"], let device = reader.string(child, "\(path).device_info") {
            if device.count > 32 || device.contains(where: { $0.isWhitespace }) {
                reader.report("\(path).device_info", child, "must be at most 32 characters without spaces")
            } else {
                terminal.deviceInfo = device
            }
        }
        if let child = fields["tms"], let tms = reader.string(child, "\(path).tms") {
            if ConfigParser.knownTMS.contains(tms) {
                terminal.tms = tms
            } else {
                reader.report(
                    "\(path).tms",
                    child,
                    "unknown TMS '\(tms)' (known: \(ConfigParser.knownTMS.joined(separator: ", ")))"
                )
            }
        }
        if let child = fields["serial_no"], let serial = reader.string(child, "\(path).serial_no") {
            if serial.count > 64 || !serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                reader.report("\(path).serial_no", child, "must be the terminal's serial number (letters, digits, -)")
            } else {
                terminal.serialNo = serial
            }
        }
        if terminal.tms != nil, fields["serial_no"] == nil {
            reader.report("\(path).serial_no", node, "is required with tms: the TMS knows the terminal by it")
        }
        if terminal.driver == "tms", fields["tms"] == nil {
            reader.report("\(path).tms", node, "is required for driver: tms")
        }
        assign(&terminal.allowPlainHTTP, fields["allow_plain_http"]) { reader.bool($0, "\(path).allow_plain_http") }
        if terminal.driver == "agent", fields["url"] == nil {
            reader.report("\(path).url", node, "is required for driver: agent")
        }
        if terminal.driver != "agent" {
            for key in ["url", "token_file", "allow_plain_http", "gateway"] where fields[key] != nil {
                reader.report("\(path).\(key)", fields[key], "only applies to driver: agent")
            }
        }
        if let url = terminal.url, url.lowercased().hasPrefix("http://"), terminal.tokenFile != nil,
            !terminal.allowPlainHTTP
        {
            reader.report(
                "\(path).token_file",
                fields["token_file"],
                "a bearer token would cross the network unencrypted over http://: use an https:// url, or set "
                    + "allow_plain_http: true on this terminal to accept that (a loopback or otherwise private link)"
            )
        }
        return terminal
    }

    private static func readProviders(
        _ node: Node,
        _ path: String,
        _ reader: NodeReader
    ) -> [CreditProvider: ProviderCancellation] {
        var result: [CreditProvider: ProviderCancellation] = [:]
        for (key, keyNode, value) in reader.pairs(node, path) ?? [] {
            let providerPath = "\(path).\(key)"
            guard let provider = CreditProvider(rawValue: key) else {
                let known = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
                reader.report(providerPath, keyNode, "unknown provider (known: \(known))")
                continue
            }
            guard let fields = reader.mapping(value, providerPath, keys: ["state", "cutover"]) else { continue }
            var state = CancellationState.active
            if let stateNode = fields["state"], let text = reader.string(stateNode, "\(providerPath).state") {
                guard let parsed = CancellationState(rawValue: text) else {
                    reader.report("\(providerPath).state", stateNode, "must be one of: active, cancelled")
                    continue
                }
                state = parsed
            }
            let cutover = fields["cutover"].flatMap { reader.date($0, "\(providerPath).cutover") }
            if state == .cancelled, fields["cutover"] == nil {
                reader.report("\(providerPath).cutover", value, "is required when state is cancelled")
            }
            if state == .active, let cutoverNode = fields["cutover"] {
                reader.report("\(providerPath).cutover", cutoverNode, "only applies when state is cancelled")
            }
            result[provider] = ProviderCancellation(state: state, cutover: cutover)
        }
        return result
    }
}
