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
        let keys = ["id", "store", "tags", "driver", "poll_interval", "providers"]
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
