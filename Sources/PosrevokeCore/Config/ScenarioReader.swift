import Yams

/// Reads `simulation.scenario`: which simulated terminals misbehave, and when.
enum ScenarioReader {
    static func read(_ node: Node, _ p: String, _ s: inout ScenarioConfig, _ r: NodeReader) {
        let keys = [
            "missed_update", "still_trying_share", "offline", "error_bursts", "peripheral_share",
            "hardware_removal_after", "update_duration", "unhappy_stores", "agent_faults", "command_latency",
        ]
        guard let m = r.mapping(node, p, keys: keys) else { return }
        if let n = m["missed_update"], let items = r.sequence(n, "\(p).missed_update") {
            s.missedUpdate = items.enumerated().compactMap { r.string($1, "\(p).missed_update[\($0)]") }
        }
        if let n = m["agent_faults"], let items = r.sequence(n, "\(p).agent_faults") {
            s.agentFaults = items.enumerated().compactMap { readFault($1, "\(p).agent_faults[\($0)]", r) }
        }
        if let n = m["unhappy_stores"], let items = r.sequence(n, "\(p).unhappy_stores") {
            s.unhappyStores = items.enumerated().compactMap { r.string($1, "\(p).unhappy_stores[\($0)]") }
        }
        m["still_trying_share"].flatMap { r.double($0, "\(p).still_trying_share", min: 0, max: 1) }
            .map { s.stillTryingShare = $0 }
        m["peripheral_share"].flatMap { r.double($0, "\(p).peripheral_share", min: 0, max: 1) }
            .map { s.peripheralShare = $0 }
        m["hardware_removal_after"].flatMap { r.duration($0, "\(p).hardware_removal_after") }
            .map { s.hardwareRemovalAfter = $0 }
        m["command_latency"].flatMap { r.duration($0, "\(p).command_latency") }.map { s.commandLatency = $0 }
        m["update_duration"].flatMap { r.duration($0, "\(p).update_duration") }.map { s.updateDuration = $0 }
        if let n = m["offline"], let items = r.sequence(n, "\(p).offline") {
            s.offline = items.enumerated().compactMap { readOffline($1, "\(p).offline[\($0)]", r) }
        }
        if let n = m["error_bursts"], let items = r.sequence(n, "\(p).error_bursts") {
            s.errorBursts = items.enumerated().compactMap { readBurst($1, "\(p).error_bursts[\($0)]", r) }
        }
    }

    private static func readFault(_ node: Node, _ p: String, _ r: NodeReader) -> AgentFault? {
        guard let m = r.mapping(node, p, keys: ["terminal", "fault", "share", "delay"]) else { return nil }
        for key in ["terminal", "fault"] where m[key] == nil { r.report("\(p).\(key)", node, "is required") }
        guard let terminalNode = m["terminal"], let terminal = r.string(terminalNode, "\(p).terminal"),
            let faultNode = m["fault"], let text = r.string(faultNode, "\(p).fault")
        else { return nil }
        guard let kind = AgentFault.Kind(rawValue: text) else {
            let known = AgentFault.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            r.report("\(p).fault", faultNode, "unknown fault '\(text)' (known: \(known))")
            return nil
        }
        let share = m["share"].map { r.double($0, "\(p).share", min: 0, max: 1) } ?? .some(1)
        let delay = m["delay"].map { r.duration($0, "\(p).delay") } ?? .some(.milliseconds(200))
        guard let share, let delay else { return nil }
        return AgentFault(terminal: terminal, kind: kind, share: share, delay: delay)
    }

    private static func readOffline(_ node: Node, _ p: String, _ r: NodeReader) -> OfflineWindow? {
        guard let m = r.mapping(node, p, keys: ["terminal", "after", "for"]) else { return nil }
        guard let n = m["terminal"] else {
            r.report("\(p).terminal", node, "is required")
            return nil
        }
        guard let terminal = r.string(n, "\(p).terminal") else { return nil }
        let after = m["after"].map { r.duration($0, "\(p).after") } ?? .some(.zero)
        let duration = m["for"].flatMap { r.duration($0, "\(p).for", positive: true) }
        guard let after else { return nil }
        return OfflineWindow(terminal: terminal, after: after, duration: duration)
    }

    private static func readBurst(_ node: Node, _ p: String, _ r: NodeReader) -> ErrorBurst? {
        guard let m = r.mapping(node, p, keys: ["store", "method", "after", "for", "error_rate"]) else { return nil }
        for key in ["store", "method", "for", "error_rate"] where m[key] == nil {
            r.report("\(p).\(key)", node, "is required")
        }
        guard let storeNode = m["store"], let methodNode = m["method"], let forNode = m["for"],
            let rateNode = m["error_rate"]
        else { return nil }
        let store = r.string(storeNode, "\(p).store")
        var method: PaymentMethod?
        if let text = r.string(methodNode, "\(p).method") {
            method = PaymentMethod(rawValue: text)
            if method == nil || method == .creditScorePay {
                r.report("\(p).method", methodNode, "must be one of: card, qr, cash")
                method = nil
            }
        }
        let after = m["after"].map { r.duration($0, "\(p).after") } ?? .some(.zero)
        let duration = r.duration(forNode, "\(p).for", positive: true)
        let rate = r.double(rateNode, "\(p).error_rate", min: 0, max: 1)
        guard let store, let method, let after, let duration, let rate else { return nil }
        return ErrorBurst(store: store, method: method, after: after, duration: duration, errorRate: rate)
    }
}
