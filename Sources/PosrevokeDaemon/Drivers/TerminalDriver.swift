import Foundation
public import PosrevokeCore

/// How the daemon talks to terminals. One conformer per `driver:` value in the inventory.
///
/// The seam carries what the later network driver needs too: status, transactions and feedback after a
/// cursor, and commands. Calls are async so a slow terminal only occupies its own task.
public protocol TerminalDriver: Sendable {
    func status(of terminal: Terminal) async throws -> TerminalStatus
    func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage
    func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage
    func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws
    /// Shows `text` on the terminal's screen; `id` makes a repeat harmless.
    func showNotice(id: String, text: String, on terminal: Terminal) async throws
    /// Starts the software/config update that removes `providers`; `id` is its idempotency key.
    func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws
    /// How the update `id` is going: pending, applying, done or failed (with an error); nil if unknown.
    func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)?
    func selftest(on terminal: Terminal) async throws -> SelftestResult
    /// The terminal's open orders of `provider`, or nil when it does not list them.
    func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]?
    /// Uninstalls the provider's plugin software; `unsupported` where nothing is configured to uninstall.
    func removeProviderSoftware(_ provider: CreditProvider, on terminal: Terminal) async throws
    /// True when every call ends by the poll timeout on its own, so the poller need not race it against a timer.
    var enforcesTimeouts: Bool { get }
}

extension TerminalDriver {
    public var enforcesTimeouts: Bool { false }
}

/// A terminal's self-test answer.
public struct SelftestResult: Sendable, Codable, Equatable {
    public struct Check: Sendable, Codable, Equatable {
        public var name: String
        public var ok: Bool
        public var detail: String

        public init(name: String, ok: Bool, detail: String) {
            self.name = name
            self.ok = ok
            self.detail = detail
        }
    }

    public init(ok: Bool, checks: [Check]) {
        self.ok = ok
        self.checks = checks
    }

    public var ok: Bool
    public var checks: [Check]
}

/// Why a terminal could not be asked.
public enum DriverError: Error, Sendable, CustomStringConvertible {
    case unreachable(String)
    case timedOut(Duration)
    case unsupported(String)
    /// The terminal answered with something protocol v1 does not allow.
    case protocolViolation(String)
    /// The terminal refused the request (401 without a valid token, 404, 429, 5xx…).
    case rejected(status: Int, code: String, message: String)
    /// The terminal's credential file is missing, unreadable, open to others or not a valid token.
    case credential(String)
    /// Over a rate limit: try again after `retryAfter`, not before.
    case throttled(String, retryAfter: Duration)
    /// The command was accepted and is under way (a TMS push the terminal has not applied yet): ask again later.
    case pending(String)
    /// Refused in a way that repeating cannot mend (a key the TMS refuses, a terminal it does not know).
    case permanent(String)

    public var description: String {
        switch self {
        case .protocolViolation(let what): "protocol error: \(what)"
        case .rejected(let status, let code, let message):
            "HTTP \(status) \(code)\(message.isEmpty ? "" : ": \(message)")\(status == 401 ? " (check token_file)" : "")"
        case .unreachable(let reason): "unreachable: \(reason)"
        case .timedOut(let limit): "no answer within \(DurationText.format(limit))"
        case .unsupported(let what): "not supported by this driver: \(what)"
        case .credential(let what): "credential error: \(what)"
        case .throttled(let what, let after): "\(what); retrying in \(DurationText.format(after))"
        case .pending(let what), .permanent(let what): what
        }
    }
}

extension DriverError {
    /// A failure that asking again may mend: no answer, or a server error.
    var isTransient: Bool {
        switch self {
        case .unreachable, .timedOut: true
        case .rejected(let status, _, _): status >= 500
        default: false
        }
    }
}

extension TerminalDriver {
    /// Terminals without a feedback screen have nothing to deliver.
    public func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
        throw DriverError.unsupported("collecting feedback")
    }

    /// Terminals that cannot switch methods remotely need an operator; the job engine turns this into a gate.
    public func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
        throw DriverError.unsupported("switching \(provider.rawValue) remotely")
    }

    public func showNotice(id: String, text: String, on terminal: Terminal) async throws {
        throw DriverError.unsupported("showing notices")
    }

    public func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {
        throw DriverError.unsupported("pushing updates")
    }

    public func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? {
        throw DriverError.unsupported("update status")
    }

    public func selftest(on terminal: Terminal) async throws -> SelftestResult {
        throw DriverError.unsupported("self-test")
    }

    public func removeProviderSoftware(_ provider: CreditProvider, on terminal: Terminal) async throws {
        throw DriverError.unsupported("uninstalling \(provider.rawValue) software")
    }
}
