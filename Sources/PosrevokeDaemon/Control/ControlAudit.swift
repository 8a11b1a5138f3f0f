import Logging
import PosrevokeControl
import PosrevokeCore

extension Daemon {
    /// One journal entry per changing command: who (from `SO_PEERCRED`), what, on what, and how it ended.
    func audit(
        _ command: ControlCommand,
        _ request: ControlRequest,
        peer: ControlPeer,
        response: ControlResponse
    ) {
        func field(_ text: String) -> String { String(ControlCharacters.escaped(text).prefix(256)) }
        var metadata: Logger.Metadata = [
            JournalField.messageID: "\(MessageID.operatorCommand)",
            "AUDIT_COMMAND": "\(command.rawValue)",
            "AUDIT_UID": "\(peer.uid)",
            "AUDIT_GID": "\(peer.gid)",
            "AUDIT_PID": "\(peer.pid)",
            "AUDIT_USER": "\(field(peer.user))",
            "AUDIT_RESULT": "\(response.ok ? "ok" : "refused")",
        ]
        if let error = response.error { metadata["AUDIT_ERROR"] = "\(field(error))" }
        let args = request.args
        var target = ""
        switch command {
        case let command where command.rawValue.hasPrefix("plans."):
            let id = args["id"] ?? response.result?.objectField("config", "id") ?? ""
            if !id.isEmpty {
                metadata[JournalField.planID] = "\(field(id))"
                target = " plan \(field(id))"
            }
        case let command where command.rawValue.hasPrefix("jobs."):
            if let id = args["id"] {
                metadata[JournalField.jobID] = "\(field(id))"
                target = " job \(field(id))"
            }
        case .alertsAck:
            if let key = args["key"] {
                metadata["ALERT_KEY"] = "\(field(key))"
                target = " alert \(field(key))"
            }
        case .alertsSilence, .alertsUnsilence:
            if let id = args["id"] ?? response.result?.objectField("id") {
                metadata["SILENCE_ID"] = "\(field(id))"
                target = " silence \(field(id))"
            }
            if let matcher = args["matcher"] ?? response.result?.objectField("matcher") {
                metadata["SILENCE_MATCHER"] = "\(field(matcher))"
                target += " (\(field(matcher)))"
            }
        case .feedbackAdd:
            if let store = args["store"] {
                metadata[JournalField.storeID] = "\(field(store))"
                target = " for store \(field(store))"
            }
        case .feedbackDigest:
            if let plan = args["plan"] { metadata[JournalField.planID] = "\(field(plan))" }
        default:
            break
        }
        let outcome = response.ok ? "ok" : "refused: \(field(response.error ?? ""))"
        logger.notice(
            "operator command \(request.command)\(target) by \(peer.label): \(outcome)",
            metadata: metadata
        )
    }
}

extension JSONValue {
    /// A string or number field of an object result (through nested objects), as text.
    fileprivate func objectField(_ path: String...) -> String? {
        var value = self
        for name in path {
            guard case .object(let fields) = value, let next = fields[name] else { return nil }
            value = next
        }
        switch value {
        case .string(let text): return text
        case .number(let number): return Int64(exactly: number).map(String.init) ?? String(number)
        default: return nil
        }
    }
}
