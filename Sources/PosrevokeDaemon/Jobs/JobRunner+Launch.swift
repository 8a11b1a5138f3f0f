import Foundation
import PosrevokeCore

/// Starting a step: the terminal, driver and platform it needs, the store's users' authorizations for the binding
/// steps, and the step itself on the cooperative pool.
extension JobRunner {
    /// The store × provider whose bindings `job`'s current step handles, if it handles any.
    static func bindings(_ job: Job) -> String? {
        job.step.handlesBindings ? "\(job.store)/\(job.provider.rawValue)" : nil
    }

    /// Runs the job's current step off the queue, within the plan's step timeout; its outcome comes back through
    /// `finish`.
    func launch(_ job: Job, now: Date) {
        running.insert(job.id)
        guard let plan = plans[job.plan],
            let terminal = engine.sync({ engine in engine.terminal(job.terminal) }),
            let driver = DriverFactory.commandDriver(for: terminal, in: drivers), let platform = platforms[job.provider]
        else {
            async { $0.finish(job.id, .retry(error: "terminal, driver or platform is not configured")) }
            return
        }
        var executor = StepExecutor(
            terminal: terminal,
            driver: driver,
            platform: platform,
            backups: backups,
            plan: plan.config,
            pageLimit: config.polling.pageLimit
        )
        if job.step.handlesBindings {
            do {
                executor.authorizations = try store.authorizations(store: terminal.store, provider: job.provider)
            } catch {
                async { $0.finish(job.id, .retry(error: "cannot read the store's user authorizations: \(error)")) }
                return
            }
        }
        let timeout = plan.config.retry.stepTimeout
        let step = executor
        Task {
            let outcome =
                (try? await withDeadline(timeout, { await step.run(job, now: now) }) {
                    .retry(error: "step timed out after \(DurationText.format(timeout))")
                }) ?? .retry(error: "step was cancelled")
            self.async { $0.finish(job.id, outcome) }
        }
    }
}
