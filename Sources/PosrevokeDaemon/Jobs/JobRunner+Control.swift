import Foundation
import PosrevokeControl
import PosrevokeCore

/// What operators can ask of plans and jobs while the daemon runs; control-socket threads reach it through
/// `sync`.
extension JobRunner {
    func planViews() -> [PlanView] {
        plans.values.sorted { $0.config.id < $1.config.id }.map(view)
    }

    func planView(_ id: String) throws -> PlanView {
        guard let plan = plans[id] else { throw ControlError("no plan '\(id)'") }
        return view(plan)
    }

    func jobList(plan: String?, status: String?) -> [Job] {
        jobs.values.filter { (plan == nil || $0.plan == plan) && (status == nil || $0.status.rawValue == status) }
            .sorted { ($0.plan, $0.wave, $0.id) < ($1.plan, $1.wave, $1.id) }
    }

    func job(_ id: String) throws -> Job {
        guard let job = jobs[id] else { throw ControlError("no job '\(id)'") }
        return job
    }

    /// Job counts by status, for `status`.
    /// Jobs by "step status", for `/metrics`.
    func stepCounts() -> [String: Int] {
        Dictionary(grouping: jobs.values) { "\($0.step.rawValue) \($0.status.rawValue)" }.mapValues(\.count)
    }

    func counts() -> (plans: [String: Int], jobs: [String: Int]) {
        (
            Dictionary(grouping: plans.values, by: \.state.status.rawValue).mapValues(\.count),
            Dictionary(grouping: jobs.values, by: \.status.rawValue).mapValues(\.count)
        )
    }

    func create(_ plan: PlanConfig) throws -> PlanView {
        let created = view(try createPlan(plan, source: "operator", now: clock.now()))
        poke()
        return created
    }

    /// `by` names who asked, as the control socket's peer credentials say (`user (uid N)`).
    func command(plan id: String, _ command: PlanCommand, force: Bool, by: String = "an operator") throws -> PlanView {
        guard var plan = plans[id] else { throw ControlError("no plan '\(id)'") }
        let now = clock.now()
        do { try plan.state.apply(command, by: by, force: force, now: now) } catch {
            throw ControlError(error.description)
        }
        var changedJobs: [Job] = []
        var events: [(Job, JobEvent)] = []
        if command == .cancel {
            for var job in jobs.values where job.plan == id && job.status != .cancelled && job.status != .completed {
                events += job.cancel(now: now).map { (job, $0) }
                changedJobs.append(job)
            }
        }
        guard commit(changedJobs, plans: [plan], now: now) else {
            throw ControlError("the state store refused the change; nothing was done (see the journal)")
        }
        for (job, event) in events { logStep(job, event) }
        logPlan(plan, "\(command.rawValue)d by \(by)\(force ? " (skipping the next health gate)" : "")")
        publishAlerts(jobs: changedJobs, plans: [plan], now: now)
        poke()
        return view(plan)
    }

    func command(job id: String, _ command: JobCommand) throws -> Job {
        guard var job = jobs[id] else { throw ControlError("no job '\(id)'") }
        let now = clock.now()
        let before = job
        let events: [JobEvent]
        do { events = try job.apply(command, now: now) } catch { throw ControlError(error.description) }
        var reopened: StateStore.StoredPlan?
        if command == .retry, var plan = plans[job.plan], plan.state.reopen(now: now) { reopened = plan }
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
        poke()
        return job
    }

    private func view(_ plan: StateStore.StoredPlan) -> PlanView {
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
