import Foundation
import PosrevokeCore

/// Executes one step of one job against the terminal's driver, the provider's platform and the backups, and
/// maps every answer onto a `StepOutcome`. The only place where a job's side effects happen.
struct StepExecutor: Sendable {
    let terminal: Terminal
    let driver: any TerminalDriver
    let platform: any PaymentPlatform
    let backups: Backups
    let plan: PlanConfig
    let pageLimit: Int
    /// The users' authorizations at the terminal's store that the daemon knows, for the binding steps.
    var authorizations: [UserAuthorization] = []

    private func scope(_ job: Job) -> BindingScope {
        BindingScope(
            terminal: job.terminal,
            store: terminal.store,
            provider: job.provider,
            authorizations: authorizations.filter { $0.provider == job.provider && $0.store == terminal.store }
        )
    }

    func run(_ job: Job, now: Date) async -> StepOutcome {
        do {
            return try await execute(job, now: now)
        } catch let error as PlatformCallError {
            if error.needsOperator { return .gate(reason: error.description) }
            return error.retryable
                ? .retry(error: error.description, after: error.retryAfter) : .permanent(error: error.description)
        } catch let error as DriverError {
            switch error {
            case .unsupported(let what):
                return .gate(
                    reason: "the terminal's driver cannot do this (\(what)); do it by hand, then confirm the job"
                )
            case .throttled(_, let after): return .retry(error: error.description, after: after)
            case .pending(let what): return .wait(until: now.addingTimeInterval(5), note: what)
            case .permanent(let what): return .permanent(error: what)
            default: return .retry(error: error.description)
            }
        } catch {
            return .retry(error: "\(error)")
        }
    }

    /// The provider's name as customers know it, for notices.
    static func displayName(_ provider: CreditProvider) -> String {
        switch provider {
        case .wechatPayscore: "WeChat Pay Score (微信支付分)"
        case .alipayCredit: "Alipay credit pay (信用分支付)"
        }
    }

    private func execute(_ job: Job, now: Date) async throws -> StepOutcome {
        let name = Self.displayName(job.provider)
        let methods = plan.acceptedMethods.joined(separator: ", ")
        switch job.step {
        case .backup:
            // Page by page to disk: the whole history is never held in memory.
            let writer = try backups.begin(plan: job.plan, terminal: job.terminal)
            let manifest: Backups.Manifest
            do {
                var cursor: Int64 = 0
                while true {
                    let page = try await driver.transactions(of: terminal, after: cursor, limit: pageLimit)
                    try writer.append(page.transactions)
                    guard !page.transactions.isEmpty, page.nextAfter > cursor else { break }
                    cursor = page.nextAfter
                }
                manifest = try writer.finish(now: now)
            } catch {
                writer.abandon()
                throw error
            }
            return .done(context: [
                "backup.sha256": manifest.sha256, "backup.transactions": String(manifest.transactions),
            ])
        case .notifyUsers:
            let date = (plan.window.notBefore ?? now).formatted(date: .abbreviated, time: .omitted)
            try await driver.showNotice(
                id: job.idempotencyKey,
                text: "From \(date), \(name) will no longer be accepted at this till. You can pay with: \(methods).",
                on: terminal
            )
            return .done()
        case .vendorConfirmation:
            return .gate(
                reason:
                    "confirm with the terminal vendor that \(job.provider.rawValue) can be removed from \(job.terminal)"
            )
        case .closeService:
            try await driver.setCreditPay(job.provider, enabled: false, on: terminal)
            return .done()
        case .cancelOrders:
            var source = "platform"
            var listed = try await platform.openOrders(terminal: job.terminal, provider: job.provider)
            if listed == nil {
                // The real platforms cannot list a terminal's orders: the terminal knows its own.
                listed = try await driver.openOrders(job.provider, on: terminal)
                source = listed == nil ? "none: the terminal does not list its orders" : "terminal"
            }
            let orders = listed ?? []
            for order in orders {
                do {
                    // The reason is part of the request: it must be identical on every replay.
                    try await platform.cancelOrder(order, reason: "merchant cancelled credit-score pay (\(job.id))")
                } catch var gate as PlatformCallError where gate.needsOperator && orders.count > 1 {
                    // One gate for all of them: the operator closes every open order, then confirms once.
                    let others = orders.filter { $0 != order }
                    gate.description +=
                        " (also: \(others.prefix(20).joined(separator: ", "))"
                        + (others.count > 20 ? " and \(others.count - 20) more)" : ")")
                    throw gate
                }
            }
            return .done(context: ["orders.cancelled": String(orders.count), "orders.source": source])
        case .submitApplication:
            let application = try await platform.submitDeactivation(
                terminal: job.terminal,
                provider: job.provider,
                requestKey: job.idempotencyKey
            )
            return .done(context: ["application": application])
        case .awaitReview:
            guard let application = job.context["application"] else {
                // An application submitted by hand in the portal is watched by hand too.
                if platform.appliesByHand {
                    return .gate(reason: "wait for the platform to approve the application, then confirm the job")
                }
                return .permanent(error: "no application id was recorded by submit-application")
            }
            let review = try await platform.review(application: application)
            switch review.state {
            case "approved": return .done(context: ["review": "approved"])
            case "rejected":
                return .permanent(error: "application \(application) rejected: \(review.reason ?? "no reason given")")
            default:
                return .wait(
                    until: now.addingTimeInterval(pollDelay(since: job.stepSince, now: now)),
                    note: "review \(review.state)"
                )
            }
        case .confirmUnbind:
            let scope = scope(job)
            if try await platform.bindingIsGone(scope) { return .done(context: unbindContext(scope)) }
            // The application is approved: end the bindings (idempotent), then check that they went.
            try await platform.terminateBinding(scope, reason: "merchant cancelled credit-score pay")
            guard try await platform.bindingIsGone(scope) else {
                return .retry(error: "the platform still shows a binding")
            }
            return .done(context: unbindContext(scope))
        case .removeHardware:
            do {
                try await driver.removeProviderSoftware(job.provider, on: terminal)
                return .done(context: ["software": "uninstalled"])
            } catch DriverError.unsupported {
                // Nothing to uninstall remotely: the hardware is removed by hand, and seen gone.
            }
            let status = try await driver.status(of: terminal)
            guard status.detailsKnown else {
                // A TMS cannot see peripherals: an empty list would pass the step with the hardware still there.
                return .gate(
                    reason: "the terminal's driver cannot see its peripherals; remove the \(job.provider.rawValue) "
                        + "hardware from \(job.terminal) by hand, then confirm the job"
                )
            }
            let attached = status.peripherals.filter { $0.hasPrefix(job.provider.rawValue) }
            guard attached.isEmpty else {
                return .wait(
                    until: now.addingTimeInterval(10),
                    note: "waiting for \(attached.joined(separator: ", ")) to be removed"
                )
            }
            return .done()
        case .pushUpdate:
            try await driver.pushUpdate(id: job.idempotencyKey, removing: [job.provider], on: terminal)
            return .done(context: ["update": job.idempotencyKey])
        case .awaitUpdate:
            let id = job.context["update"] ?? job.idempotencyKey
            guard let update = try await driver.updateState(id: id, on: terminal) else {
                return .retry(error: "the terminal does not know update \(id)")
            }
            switch update.state {
            case "done": return .done()
            case "failed": return .permanent(error: "update \(id) failed: \(update.error ?? "no detail")")
            default: return .wait(until: now.addingTimeInterval(2), note: "update \(update.state)")
            }
        case .retest:
            return try await retest(job)
        case .watch:
            let ends = job.stepSince.addingTimeInterval(plan.watch.seconds)
            return now >= ends ? .done() : .wait(until: ends, note: "watching until \(ends.formatted(.iso8601))")
        case .followUp:
            let text =
                job.kind == .cancel
                ? "\(name) is no longer accepted here. Please pay with: \(methods)."
                : "\(name) is accepted here again."
            try await driver.showNotice(id: job.idempotencyKey, text: text, on: terminal)
            return .done()
        case .verifyBackup:
            guard let latest = backups.latest(terminal: job.terminal) else {
                return .permanent(error: "no verified backup of \(job.terminal) to restore from")
            }
            return .done(context: ["backup.plan": latest.plan, "backup.sha256": latest.manifest.sha256])
        case .rebind:
            try await platform.rebind(scope(job), requestKey: job.idempotencyKey)
            return .done()
        case .reenable:
            try await driver.setCreditPay(job.provider, enabled: true, on: terminal)
            return .done()
        case .restoreSettings:
            let plan = job.context["backup.plan"] ?? ""
            let manifest = try backups.verify(plan: plan, terminal: job.terminal)
            return .done(context: ["restored.from": "\(plan)/\(manifest.file)"])
        }
    }

    /// Selftest passes, the provider is (not) enabled on the terminal, and the binding is gone (there).
    private func retest(_ job: Job) async throws -> StepOutcome {
        let wantEnabled = job.kind == .restore
        let selftest = try await driver.selftest(on: terminal)
        guard selftest.ok else {
            let failed = selftest.checks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")
            return .retry(error: "selftest failed: \(failed)")
        }
        let status = try await driver.status(of: terminal)
        let enabled = status.paymentMethods.contains {
            $0.method == .creditScorePay && $0.provider == job.provider.rawValue && $0.enabled
        }
        // A terminal known only to its TMS cannot say which methods it takes: the TMS confirmed the parameter push
        // (close-service or reenable waited for it), and that is what it can tell.
        guard enabled == wantEnabled || !status.detailsKnown else {
            return .retry(
                error: "\(job.provider.rawValue) is still \(enabled ? "enabled" : "disabled") on the terminal"
            )
        }
        // A manual platform cannot be asked; after a restore on a real one, users authorize again themselves.
        if !(platform is ManualPlatform), !(wantEnabled && platform.appliesByHand) {
            let gone = try await platform.bindingIsGone(scope(job))
            guard gone != wantEnabled else {
                return .retry(error: "the platform binding is \(gone ? "gone" : "still present")")
            }
        }
        return .done()
    }

    /// How many user authorizations the step covered, when the platform binds per user.
    private func unbindContext(_ scope: BindingScope) -> [String: String] {
        scope.authorizations.isEmpty ? [:] : ["authorizations": String(scope.authorizations.count)]
    }

    /// Polls a review often at first, then less: a quarter of its age, between 5 s and 15 min.
    private func pollDelay(since: Date, now: Date) -> TimeInterval {
        min(900, max(5, now.timeIntervalSince(since) / 4))
    }
}
