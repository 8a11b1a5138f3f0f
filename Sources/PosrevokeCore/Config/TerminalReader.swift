import Foundation
import Yams

/// Reads the `terminals:` inventory: id, store, tags, driver and per-provider cancellation state.
enum TerminalReader {
    static func read(_ node: Node, defaultInterval: Duration, _ r: NodeReader) -> [Terminal] {
        guard let items = r.sequence(node, "terminals") else { return [] }
        return items.enumerated().compactMap { index, item in
            readOne(item, "terminals[\(index)]", defaultInterval: defaultInterval, r)
        }
    }

    private static func readOne(_ node: Node, _ p: String, defaultInterval: Duration, _ r: NodeReader) -> Terminal? {
        let keys = [
            "id", "store", "tags", "driver", "poll_interval", "providers", "url", "token_file", "allow_plain_http",
        ]
        guard let m = r.mapping(node, p, keys: keys) else { return nil }
        guard let idNode = m["id"] else {
            r.report("\(p).id", node, "is required")
            return nil
        }
        guard let storeNode = m["store"] else {
            r.report("\(p).store", node, "is required")
            return nil
        }
        guard let id = r.string(idNode, "\(p).id"), let store = r.string(storeNode, "\(p).store") else { return nil }
        if id.contains(where: { $0.isWhitespace || $0 == "/" }) {
            r.report("\(p).id", idNode, "must not contain spaces or '/'")
        }
        var terminal = Terminal(id: id, store: store, pollInterval: defaultInterval, providers: [:])
        if let n = m["tags"], let tags = r.sequence(n, "\(p).tags") {
            terminal.tags = tags.enumerated().compactMap { r.string($1, "\(p).tags[\($0)]") }
        }
        if let n = m["driver"], let driver = r.string(n, "\(p).driver") {
            if ConfigParser.knownDrivers.contains(driver) {
                terminal.driver = driver
            } else {
                r.report(
                    "\(p).driver",
                    n,
                    "unknown driver '\(driver)' (known: \(ConfigParser.knownDrivers.joined(separator: ", ")))"
                )
            }
        }
        m["poll_interval"].flatMap { r.duration($0, "\(p).poll_interval", positive: true) }
            .map { terminal.pollInterval = $0 }
        if let n = m["providers"] { terminal.providers = readProviders(n, "\(p).providers", r) }
        if let n = m["url"], let url = r.string(n, "\(p).url") {
            terminal.url = ConfigParser.checkedURL(url, n, "\(p).url", r)
        }
        m["token_file"].flatMap { r.string($0, "\(p).token_file") }.map { terminal.tokenFile = $0 }
        m["allow_plain_http"].flatMap { r.bool($0, "\(p).allow_plain_http") }.map { terminal.allowPlainHTTP = $0 }
        if terminal.driver == "agent", m["url"] == nil {
            r.report("\(p).url", node, "is required for driver: agent")
        }
        if terminal.driver != "agent" {
            for key in ["url", "token_file", "allow_plain_http"] where m[key] != nil {
                r.report("\(p).\(key)", m[key], "only applies to driver: agent")
            }
        }
        if let url = terminal.url, url.lowercased().hasPrefix("http://"), terminal.tokenFile != nil,
            !terminal.allowPlainHTTP
        {
            r.report(
                "\(p).token_file",
                m["token_file"],
                "a bearer token would cross the network unencrypted over http://: use an https:// url, or set "
                    + "allow_plain_http: true on this terminal to accept that (a loopback or otherwise private link)"
            )
        }
        return terminal
    }

    private static func readProviders(
        _ node: Node,
        _ p: String,
        _ r: NodeReader
    ) -> [CreditProvider: ProviderCancellation] {
        var result: [CreditProvider: ProviderCancellation] = [:]
        for (key, keyNode, value) in r.pairs(node, p) ?? [] {
            let q = "\(p).\(key)"
            guard let provider = CreditProvider(rawValue: key) else {
                let known = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
                r.report(q, keyNode, "unknown provider (known: \(known))")
                continue
            }
            guard let m = r.mapping(value, q, keys: ["state", "cutover"]) else { continue }
            var state = CancellationState.active
            if let n = m["state"], let text = r.string(n, "\(q).state") {
                guard let parsed = CancellationState(rawValue: text) else {
                    r.report("\(q).state", n, "must be one of: active, cancelled")
                    continue
                }
                state = parsed
            }
            let cutover = m["cutover"].flatMap { r.date($0, "\(q).cutover") }
            if state == .cancelled, m["cutover"] == nil {
                r.report("\(q).cutover", value, "is required when state is cancelled")
            }
            if state == .active, let n = m["cutover"] {
                r.report("\(q).cutover", n, "only applies when state is cancelled")
            }
            result[provider] = ProviderCancellation(state: state, cutover: cutover)
        }
        return result
    }
}
