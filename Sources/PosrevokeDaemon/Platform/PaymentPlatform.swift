import Foundation
public import PosrevokeCore

/// The payment platform's side of a cancellation: open orders, the deactivation application and its review,
/// and the bindings. One conformer per `platform.providers` kind.
///
/// Every mutating call carries a request key derived from the job and step, so a replay after a crash can
/// never apply twice.
public protocol PaymentPlatform: Sendable {
    /// The terminal's open orders, or nil when the platform cannot list them (the real platforms have no such
    /// query): then the terminal's own list is used.
    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]?
    /// Cancels one order; returns once the platform shows it is no longer open. Idempotent.
    func cancelOrder(_ outOrderNo: String, reason: String) async throws
    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String
    func review(application: String) async throws -> (state: String, reason: String?)
    /// True when no binding of `scope` is active any more.
    func bindingIsGone(_ scope: BindingScope) async throws -> Bool
    /// Ends the bindings of `scope` that are still active, once the application is approved; idempotent.
    func terminateBinding(_ scope: BindingScope, reason: String) async throws
    func rebind(_ scope: BindingScope, requestKey: String) async throws
    /// True when the application and its review happen in the merchant portal (operator gates), not by API.
    var appliesByHand: Bool { get }
    /// `posrevokectl platform check`: one harmless signed call whose answer is verified; what it showed.
    func check() async throws -> String
}

extension PaymentPlatform {
    public var appliesByHand: Bool { false }
    public func check() async throws -> String { "nothing to check: no platform keys are used" }
}

/// What a binding step is about: the terminal, and the users' authorizations at its store that the daemon knows.
/// The simulated and gateway platforms bind per terminal; the real ones per user authorization.
public struct BindingScope: Sendable, Equatable {
    public var terminal: String
    public var store: String
    public var provider: CreditProvider
    public var authorizations: [UserAuthorization]

    public init(terminal: String, store: String, provider: CreditProvider, authorizations: [UserAuthorization]) {
        self.terminal = terminal
        self.store = store
        self.provider = provider
        self.authorizations = authorizations
    }
}

/// What went wrong talking to the platform, and whether trying again can help.
public struct PlatformCallError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public var retryable: Bool
    /// A provider with no API: an operator does this step in the merchant portal.
    public var needsOperator = false
    /// The platform's error code, when it answered with one.
    public var code: String?
    /// How long the platform asked us to wait (`Retry-After`).
    public var retryAfter: Duration?
}
