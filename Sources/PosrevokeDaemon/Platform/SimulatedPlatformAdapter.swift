import Foundation
import PosrevokeCore
import PosrevokeSimulation

/// `platform.providers.<p>: simulated`: the embedded platform simulator.
struct SimulatedPlatformAdapter: PaymentPlatform {
    let platform: SimulatedPlatform
    let clock: any WallClock

    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]? {
        try call { try platform.openOrders(terminal: terminal, provider: provider, now: clock.now()) }
    }

    func cancelOrder(_ outOrderNo: String, reason: String) async throws {
        try call { try platform.cancelOrder(outOrderNo, reason: reason, now: clock.now()) }
    }

    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String {
        try call {
            try platform.submitDeactivation(
                terminal: terminal,
                provider: provider,
                requestKey: requestKey,
                now: clock.now()
            )
        }
    }

    func review(application: String) async throws -> (state: String, reason: String?) {
        try call {
            let answer = try platform.application(application, now: clock.now())
            return (answer.state.rawValue, answer.reason)
        }
    }

    func bindingIsGone(_ scope: BindingScope) async throws -> Bool {
        try call { try platform.binding(terminal: scope.terminal, provider: scope.provider) == .unavailable }
    }

    func terminateBinding(_ scope: BindingScope, reason: String) async throws {
        try call { try platform.terminate(terminal: scope.terminal, provider: scope.provider) }
    }

    func rebind(_ scope: BindingScope, requestKey: String) async throws {
        try call { try platform.rebind(terminal: scope.terminal, provider: scope.provider, requestKey: requestKey) }
    }

    private func call<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as PlatformError {
            throw PlatformCallError(description: error.description, retryable: error.isRetryable)
        }
    }
}

/// `platform.providers.<p>: manual`: a provider with no merchant API. Every platform step becomes an operator
/// gate (`posrevokectl jobs confirm`), with reminders until it is confirmed.
struct ManualPlatform: PaymentPlatform {
    let provider: CreditProvider
    var appliesByHand: Bool { true }

    private func gate(_ what: String) -> PlatformCallError {
        PlatformCallError(
            description:
                "\(provider.rawValue) has no merchant API: \(what) in the merchant portal, then confirm the job",
            retryable: false,
            needsOperator: true
        )
    }

    func openOrders(terminal: String, provider: CreditProvider) async throws -> [String]? {
        throw gate("cancel the open pay-after-use orders of \(terminal)")
    }

    func cancelOrder(_ outOrderNo: String, reason: String) async throws { throw gate("cancel order \(outOrderNo)") }

    func submitDeactivation(terminal: String, provider: CreditProvider, requestKey: String) async throws -> String {
        throw gate("submit the deactivation application for \(terminal)")
    }

    func review(application: String) async throws -> (state: String, reason: String?) {
        throw gate("wait for the application to be approved")
    }

    func bindingIsGone(_ scope: BindingScope) async throws -> Bool {
        throw gate("check that \(scope.terminal) is no longer bound")
    }

    func terminateBinding(_ scope: BindingScope, reason: String) async throws {
        throw gate("end the binding of \(scope.terminal)")
    }

    func rebind(_ scope: BindingScope, requestKey: String) async throws {
        throw gate("bind \(scope.terminal) again")
    }
}
