import Foundation
import PosrevokeControl
import PosrevokeCore

/// What operators can ask of plans and jobs while the daemon runs. Called from control-socket threads.
extension JobRunner {
    enum PlanCommand: String {
        case pause, resume, cancel
    }

    enum JobCommand: String {
        case confirm, retry, cancel, pause, resume
        case runNow = "run-now"
    }

    func planViews() -> [PlanView] {
        queue.checkedSync { plans.values.sorted { $0.config.id < $1.config.id }.map(view) }
    }

    func planView(_ id: String) throws -> PlanView {
        try queue.checkedSync {
            guard let plan = plans[id] else { throw ControlError("no plan '\(id)'") }
            return view(plan)
        }
    }

    func jobList(plan: String?, status: String?) -> [Job] {
        queue.checkedSync {
            jobs.values.filter { (plan == nil || $0.plan == plan) && (status == nil || $0.status.rawValue == status) }
                .sorted { ($0.plan, $0.wave, $0.id) < ($1.plan, $1.wave, $1.id) }
        }
    }

    func job(_ id: String) throws -> Job {
        try queue.checkedSync {
            guard let job = jobs[id] else { throw ControlError("no job '\(id)'") }
            return job
        }
    }

    /// Job counts by status, for `status`.
    func counts() -> (plans: [String: Int], jobs: [String: Int]) {
        queue.checkedSync {
            (
                Dictionary(grouping: plans.values, by: \.state.status.rawValue).mapValues(\.count),
                Dictionary(grouping: jobs.values, by: \.status.rawValue).mapValues(\.count)
            )
        }
    }

    func create(_ plan: PlanConfig) throws -> PlanView {
        // The view reads `jobs`, so it is built on the queue: a tick may be changing them.
        let created = try queue.checkedSync { view(try createPlan(plan, source: "operator", now: clock.now())) }
        poke()
        return created
    }

    /// `by` names who asked, as the control socket's peer credentials say (`user (uid N)`).
    func command(plan id: String, _ command: PlanCommand, force: Bool, by: String = "an operator") throws -> PlanView {
        let updated = try queue.checkedSync { () throws -> PlanView in
            guard var plan = plans[id] else { throw ControlError("no plan '\(id)'") }
            let now = clock.now()
            var changedJobs: [Job] = []
            var events: [(Job, JobEvent)] = []
            switch command {
            case .pause:
                guard plan.state.status == .active else {
                    throw ControlError("plan '\(id)' is \(plan.state.status.rawValue)")
                }
                plan.state.status = .paused
                plan.state.pauseReason = "paused by \(by)"
            case .resume:
                guard plan.state.status == .paused else {
                    throw ControlError("plan '\(id)' is \(plan.state.status.rawValue)")
                }
                plan.state.status = .active
                plan.state.pauseReason = nil
                plan.state.skipNextGate = force
            case .cancel:
                guard !(plan.state.status == .cancelled || plan.state.status == .completed) else {
                    throw ControlError("plan '\(id)' is already \(plan.state.status.rawValue)")
                }
                plan.state.status = .cancelled
                for var job in jobs.values where job.plan == id && job.status != .cancelled && job.status != .completed
                {
                    events += job.cancel(now: now).map { (job, $0) }
                    changedJobs.append(job)
                }
            }
            plan.state.updatedAt = now
            guard commit(changedJobs, plans: [plan], now: now) else {
                throw ControlError("the state store refused the change; nothing was done (see the journal)")
            }
            for (job, event) in events { logStep(job, event) }
            logPlan(plan, "\(command.rawValue)d by \(by)\(force ? " (skipping the next health gate)" : "")")
            publishAlerts(jobs: changedJobs, plans: [plan], now: now)
            return view(plan)
        }
        poke()
        return updated
    }

    func command(job id: String, _ command: JobCommand) throws -> Job {
        let updated = try queue.checkedSync { () throws -> Job in
            guard var job = jobs[id] else { throw ControlError("no job '\(id)'") }
            let now = clock.now()
            let before = job
            var events: [JobEvent] = []
            var reopened: StateStore.StoredPlan?
            switch command {
            case .confirm:
                guard job.status == .gated || (job.status == .waiting && job.step == .removeHardware) else {
                    throw ControlError(
                        "job '\(id)' is not waiting for a confirmation (it is \(job.status.rawValue) at \(job.step.rawValue))"
                    )
                }
                events = job.confirm(now: now)
            case .retry:
                guard job.status == .failed else {
                    throw ControlError("job '\(id)' has not failed (it is \(job.status.rawValue))")
                }
                events = job.retry(now: now)
                if var plan = plans[job.plan], plan.state.status == .completed {
                    // A finished plan reopens for the retried job, and completes again when it ends.
                    plan.state.status = .active
                    plan.state.updatedAt = now
                    reopened = plan
                }
            case .cancel:
                guard job.status != .cancelled, job.status != .completed else {
                    throw ControlError("job '\(id)' is already \(job.status.rawValue)")
                }
                events = job.cancel(now: now)
            case .pause:
                guard !job.status.isFinal, job.status != .paused, job.status != .queued else {
                    throw ControlError("job '\(id)' cannot be paused: it is \(job.status.rawValue)")
                }
                job.pause(now: now)
            case .resume:
                guard job.status == .paused else {
                    throw ControlError("job '\(id)' is not paused (it is \(job.status.rawValue))")
                }
                job.resume(now: now)
            case .runNow:
                guard [.ready, .waiting, .gated].contains(job.status) else {
                    throw ControlError("job '\(id)' cannot run now: it is \(job.status.rawValue)")
                }
                job.runNow(now: now)
            }
            var cutovers: [(Job, ProviderCancellation?)] = []
            if let change = job.cutoverChange(leaving: before.step, now: now) {
                cutovers.append((job, change.cancellation))
            }
            guard commit([job], plans: reopened.map { [$0] } ?? [], cutovers: cutovers, now: now) else {
                throw ControlError("the state store refused the change; nothing was done (see the journal)")
            }
            if let reopened { logPlan(reopened, "reopened for the retried job \(job.id)") }
            for event in events { logStep(job, event) }
            publishAlerts(jobs: [job], plans: [], now: now)
            return job
        }
        poke()
        return updated
    }

    /// On the queue only: it reads `jobs`.
    private func view(_ plan: StateStore.StoredPlan) -> PlanView {
        dispatchPrecondition(condition: .onQueue(queue))
        let planJobs = jobs.values.filter { $0.plan == plan.config.id }
        let grouped: [Int: [Job]] = Dictionary(grouping: planJobs, by: \.wave)
        let waves: [PlanView.Wave] = grouped.keys.sorted().map { wave in
            let members = grouped[wave] ?? []
            let settled = members.filter(\.isSettled).count
            let completed = members.filter { $0.status == .completed }.count
            let failed = members.filter { $0.status == .failed }.count
            return PlanView.Wave(
                number: wave + 1,
                jobs: members.count,
                settled: settled,
                completed: completed,
                failed: failed,
                released: wave <= plan.state.currentWave
            )
        }
        return PlanView(
            config: plan.config,
            state: plan.state,
            source: plan.source,
            jobs: Dictionary(grouping: planJobs, by: \.status.rawValue).mapValues(\.count),
            waves: waves
        )
    }
}
