import Yams

/// Reads `simulation.scenario`: which simulated terminals misbehave, and when.
enum ScenarioReader {
    static func read(_ node: Node, _ path: String, _ section: inout ScenarioConfig, _ reader: NodeReader) {
        let keys = [
            "missed_update", "still_trying_share", "offline", "error_bursts", "peripheral_share",
            "hardware_removal_after", "update_duration", "unhappy_stores", "agent_faults", "command_latency",
        ]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        if let child = fields["missed_update"], let items = reader.sequence(child, "\(path).missed_update") {
            section.missedUpdate = items.enumerated().compactMap { reader.string($1, "\(path).missed_update[\($0)]") }
        }
        if let child = fields["agent_faults"], let items = reader.sequence(child, "\(path).agent_faults") {
            section.agentFaults = items.enumerated().compactMap { readFault($1, "\(path).agent_faults[\($0)]", reader) }
        }
        if let child = fields["unhappy_stores"], let items = reader.sequence(child, "\(path).unhappy_stores") {
            section.unhappyStores = items.enumerated().compactMap {
                reader.string($1, "\(path).unhappy_stores[\($0)]")
            }
        }
        assign(&section.stillTryingShare, fields["still_trying_share"]) {
            reader.double($0, "\(path).still_trying_share", min: 0, max: 1)
        }
        assign(&section.peripheralShare, fields["peripheral_share"]) {
            reader.double($0, "\(path).peripheral_share", min: 0, max: 1)
        }
        assign(&section.hardwareRemovalAfter, fields["hardware_removal_after"]) {
            reader.duration($0, "\(path).hardware_removal_after")
        }
        assign(&section.commandLatency, fields["command_latency"]) { reader.duration($0, "\(path).command_latency") }
        assign(&section.updateDuration, fields["update_duration"]) { reader.duration($0, "\(path).update_duration") }
        if let child = fields["offline"], let items = reader.sequence(child, "\(path).offline") {
            section.offline = items.enumerated().compactMap { readOffline($1, "\(path).offline[\($0)]", reader) }
        }
        if let child = fields["error_bursts"], let items = reader.sequence(child, "\(path).error_bursts") {
            section.errorBursts = items.enumerated().compactMap { readBurst($1, "\(path).error_bursts[\($0)]", reader) }
        }
    }

    private static func readFault(_ node: Node, _ path: String, _ reader: NodeReader) -> AgentFault? {
        guard let fields = reader.mapping(node, path, keys: ["terminal", "fault", "share", "delay"]) else { return nil }
        for key in ["terminal", "fault"] where fields[key] == nil {
            reader.report("\(path).\(key)", node, "is required")
        }
        guard let terminalNode = fields["terminal"], let terminal = reader.string(terminalNode, "\(path).terminal"),
            let faultNode = fields["fault"], let text = reader.string(faultNode, "\(path).fault")
        else { return nil }
        guard let kind = AgentFault.Kind(rawValue: text) else {
            let known = AgentFault.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            reader.report("\(path).fault", faultNode, "unknown fault '\(text)' (known: \(known))")
            return nil
        }
        let share = fields["share"].map { reader.double($0, "\(path).share", min: 0, max: 1) } ?? .some(1)
        let delay = fields["delay"].map { reader.duration($0, "\(path).delay") } ?? .some(.milliseconds(200))
        guard let share, let delay else { return nil }
        return AgentFault(terminal: terminal, kind: kind, share: share, delay: delay)
    }

    private static func readOffline(_ node: Node, _ path: String, _ reader: NodeReader) -> OfflineWindow? {
        guard let fields = reader.mapping(node, path, keys: ["terminal", "after", "for"]) else { return nil }
        guard let terminalNode = fields["terminal"] else {
            reader.report("\(path).terminal", node, "is required")
            return nil
        }
        guard let terminal = reader.string(terminalNode, "\(path).terminal") else { return nil }
        let after = fields["after"].map { reader.duration($0, "\(path).after") } ?? .some(.zero)
        let duration = fields["for"].flatMap { reader.duration($0, "\(path).for", positive: true) }
        guard let after else { return nil }
        return OfflineWindow(terminal: terminal, after: after, duration: duration)
    }

    private static func readBurst(_ node: Node, _ path: String, _ reader: NodeReader) -> ErrorBurst? {
        let keys = ["store", "method", "after", "for", "error_rate"]
        guard let fields = reader.mapping(node, path, keys: keys) else { return nil }
        for key in ["store", "method", "for", "error_rate"] where fields[key] == nil {
            reader.report("\(path).\(key)", node, "is required")
        }
        guard let storeNode = fields["store"], let methodNode = fields["method"], let forNode = fields["for"],
            let rateNode = fields["error_rate"]
        else { return nil }
        let store = reader.string(storeNode, "\(path).store")
        var method: PaymentMethod?
        if let text = reader.string(methodNode, "\(path).method") {
            method = PaymentMethod(rawValue: text)
            if method == nil || method == .creditScorePay {
                reader.report("\(path).method", methodNode, "must be one of: card, qr, cash")
                method = nil
            }
        }
        let after = fields["after"].map { reader.duration($0, "\(path).after") } ?? .some(.zero)
        let duration = reader.duration(forNode, "\(path).for", positive: true)
        let rate = reader.double(rateNode, "\(path).error_rate", min: 0, max: 1)
        guard let store, let method, let after, let duration, let rate else { return nil }
        return ErrorBurst(store: store, method: method, after: after, duration: duration, errorRate: rate)
    }
}
