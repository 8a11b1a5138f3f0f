import Foundation
public import PosrevokeCore

/// The payment platform's side of a cancellation: open orders, the deactivation application and its review,
/// and the binding. One conformer per `platform.providers` kind; the HTTP adapter plugs in here later.
///
/// Every mutating call carries a request key derived from the job and step, so a replay after a crash can
/// never apply twice.
public protocol PaymentPlatform: Sendable {
    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]
    func cancelOrder(_ outOrderNo: String, reason: String) async throws
    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String
    func review(application: String) async throws -> (state: String, reason: String?)
    func bindingIsGone(terminal: String, provider: CreditProvider) async throws -> Bool
    /// Ends the binding once the application is approved; idempotent.
    func terminateBinding(terminal: String, provider: CreditProvider, reason: String) async throws
    func rebind(terminal: String, provider: CreditProvider, requestKey: String) async throws
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
