public import Foundation

/// What one PAXSTORE answer means for the caller: the HTTP status and the envelope's `businessCode` together.
public enum PaxstoreAnswer: Sendable, Equatable {
    /// `businessCode` 0.
    case ok
    /// 2022 / 2023: the same push is already pending or active; for a push that is the success it asked for.
    case alreadyPushed(code: Int)
    /// 2037: the app is not installed; for an uninstall that is the success it asked for.
    case notInstalled
    /// 129 (or HTTP 401): the key or its secret is wrong. 20 of these in 30 minutes lock the key for 30 minutes.
    case authenticationFailed(String)
    /// HTTP 429 or `businessCode` 429: over the key's rate limit.
    case throttled
    /// 1800 / 1801 / 2028: the TMS does not know the terminal.
    case terminalNotFound(String)
    /// 5xx or an unreadable answer: try again with the same request.
    case transient(String)
    /// Any other refusal: it will not succeed by repeating it.
    case refused(code: Int, message: String)

    /// Reads an answer; `body` is bounded by the caller.
    public static func classify(status: Int, body: Data) -> PaxstoreAnswer {
        let envelope = try? PaxstoreWire.decoder.decode(PaxstoreWire.Envelope.self, from: body)
        let message = clean(
            [envelope?.message ?? ""] + (envelope?.validationErrors ?? [])
        )
        let code = envelope?.businessCode
        if status == 429 || code == 429 { return .throttled }
        if status == 401 || code == 129 {
            return .authenticationFailed(message.isEmpty ? "authentication failed" : message)
        }
        if status >= 500 { return .transient("HTTP \(status)\(message.isEmpty ? "" : ": \(message)")") }
        guard let code else {
            return (200..<300).contains(status)
                ? .transient("an answer without a businessCode")
                : .refused(code: status, message: "HTTP \(status)")
        }
        switch code {
        case 0 where (200..<300).contains(status): return .ok
        case 2022, 2023: return .alreadyPushed(code: code)
        case 2037: return .notInstalled
        case 1800, 1801, 2028: return .terminalNotFound(message)
        default: return .refused(code: code, message: message)
        }
    }

    /// The TMS's own words, made safe for a journal field: printable, one line, at most 300 characters.
    public static func clean(_ parts: [String]) -> String {
        let text = parts.filter { !$0.isEmpty }.joined(separator: "; ")
        let printable = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }
            .joined()
        return printable.count > 300 ? String(printable.prefix(300)) + "…" : printable
    }
}

/// A push task's `actionStatus` (0 not started, 1 started, 2 success, 3 failed, 4 waiting) as an update's state.
public enum PaxstorePushState: Sendable, Equatable {
    case pending(String)
    case applying
    case done
    case failed(String)

    /// nil when the status is none of the five.
    public init?(actionStatus: Int?, errorCode: Int?) {
        switch actionStatus {
        case 0: self = .pending("not started")
        case 4: self = .pending("waiting for the terminal to check in")
        case 1: self = .applying
        case 2: self = .done
        case 3: self = .failed(Self.reason(errorCode))
        default: return nil
        }
    }

    /// Why a push failed, in words; the code is always kept.
    public static func reason(_ code: Int?) -> String {
        guard let code else { return "failed without an error code" }
        let text =
            switch code {
            case 1: "download failed"
            case 2: "install failed"
            case 9: "task expired: the terminal never checked in before the push expired"
            case 13: "push duplicate"
            default: "failed"
            }
        return "\(text) (errorCode \(code))"
    }

    /// The agent protocol's words for it: pending, applying, done or failed.
    public var word: String {
        switch self {
        case .pending: "pending"
        case .applying: "applying"
        case .done: "done"
        case .failed: "failed"
        }
    }
}
