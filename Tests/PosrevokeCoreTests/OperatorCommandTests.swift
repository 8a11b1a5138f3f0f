import Foundation
import PosrevokeCore
import Testing

@Suite("Operator commands and reminders in the job and plan machines")
struct OperatorCommandTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func job(at step: JobStep = .backup, status: JobStatus = .ready) -> Job {
        var job = Job(
            plan: "p",
            terminal: "t-1",
            store: "s",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: JobStep.pipeline(.cancel, vendorConfirmation: false),
            now: t0
        )
        job.release(now: t0)
        job.stepIndex = job.steps.firstIndex(of: step) ?? 0
        job.status = status
        return job
    }

    @Test("every job command is refused, with the reason and the job unchanged, where it does not apply")
    func jobRefusals() {
        let refused: [(JobCommand, JobStatus, JobStep)] = [
            (.confirm, .ready, .backup), (.confirm, .waiting, .awaitReview), (.retry, .ready, .backup),
            (.cancel, .completed, .watch), (.cancel, .cancelled, .backup), (.pause, .queued, .backup),
            (.pause, .paused, .backup), (.pause, .failed, .backup), (.resume, .ready, .backup),
            (.runNow, .running, .backup), (.runNow, .failed, .backup),
        ]
        for (command, status, step) in refused {
            var job = job(at: step, status: status)
            let before = job
            #expect(throws: CommandRefused.self, "\(command) on \(status)") {
                try job.apply(command, now: t0.addingTimeInterval(60))
            }
            #expect(job == before, "\(command) on \(status) changed the job")
        }
    }

    @Test("commands that apply change the job and say so")
    func jobCommands() throws {
        var gated = job(at: .closeService, status: .gated)
        gated.gate = "close it on the till"
        let confirmed = try gated.apply(.confirm, now: t0)
        #expect(confirmed.map(\.state) == [.confirmed, .done])
        #expect(gated.gate == nil && gated.step != .closeService)

        var waiting = job(at: .removeHardware, status: .waiting)
        let removed = try waiting.apply(.confirm, now: t0)
        #expect(removed.first?.state == .confirmed)

        var failed = job(status: .failed)
        let retried = try failed.apply(.retry, now: t0)
        #expect(retried.map(\.state) == [.retried])
        #expect(failed.status == .ready)

        var paused = job(status: .waiting)
        let pausing = try paused.apply(.pause, now: t0)
        #expect(pausing.isEmpty && paused.status == .paused)
        let resuming = try paused.apply(.resume, now: t0)
        #expect(resuming.isEmpty && paused.status == .waiting)

        var later = job(status: .waiting)
        later.nextDue = t0.addingTimeInterval(3600)
        _ = try later.apply(.runNow, now: t0)
        #expect(later.nextDue == t0)

        var cancelled = job(status: .failed)
        let cancelling = try cancelled.apply(.cancel, now: t0)
        #expect(cancelling.map(\.state) == [.cancelled])
    }

    @Test("plan commands: pause, resume (with force), cancel, and what each refuses")
    func planCommands() throws {
        var plan = PlanState(id: "p", waveCount: 2, now: t0)
        let later = t0.addingTimeInterval(60)
        #expect(throws: CommandRefused("plan 'p' is active")) {
            try plan.apply(.resume, by: "ops", force: false, now: later)
        }
        try plan.apply(.pause, by: "ops (uid 1000)", force: false, now: later)
        #expect(plan.status == .paused && plan.pauseReason == "paused by ops (uid 1000)" && plan.updatedAt == later)
        #expect(throws: CommandRefused("plan 'p' is paused")) {
            try plan.apply(.pause, by: "ops", force: false, now: later)
        }
        try plan.apply(.resume, by: "ops", force: true, now: later)
        #expect(plan.status == .active && plan.pauseReason == nil && plan.skipNextGate)
        try plan.apply(.cancel, by: "ops", force: false, now: later)
        #expect(plan.status == .cancelled)
        #expect(throws: CommandRefused("plan 'p' is already cancelled")) {
            try plan.apply(.cancel, by: "ops", force: false, now: later)
        }
        let cancelledReopens = plan.reopen(now: later)
        #expect(!cancelledReopens && plan.status == .cancelled)
        plan.status = .completed
        let completedReopens = plan.reopen(now: later)
        #expect(completedReopens && plan.status == .active)
    }

    @Test("a gate's reminders come one interval apart, the first one interval after it opened")
    func gateReminders() {
        var job = job(at: .closeService, status: .running)
        let events = job.apply(.gate(reason: "switch it off in the menu"), policy: .init(), now: t0)
        #expect(events.map(\.state) == [.gated])
        let atOnce = job.scheduleReminders(now: t0, every: .seconds(3600))
        #expect(atOnce.isEmpty)
        #expect(job.nextDue == t0.addingTimeInterval(3600))
        let due = t0.addingTimeInterval(3600)
        let reminder = job.remindOfGate(now: due, every: .seconds(3600))
        #expect(
            reminder
                == JobEvent(
                    step: .closeService,
                    state: .reminder,
                    detail: "still needs an operator: switch it off in the menu"
                )
        )
        #expect(job.reminders == 1 && job.nextDue == due.addingTimeInterval(3600))
    }

    @Test("a hardware removal still waiting is reminded once per interval since the step began")
    func removalReminders() {
        var job = job(at: .removeHardware, status: .waiting)
        job.stepSince = t0
        let early = job.scheduleReminders(now: t0.addingTimeInterval(3599), every: .seconds(3600))
        #expect(early.isEmpty)
        let first = job.scheduleReminders(now: t0.addingTimeInterval(3600), every: .seconds(3600))
        #expect(
            first == [
                JobEvent(step: .removeHardware, state: .reminder, detail: "reminder 1: peripheral still attached")
            ]
        )
        let between = job.scheduleReminders(now: t0.addingTimeInterval(7000), every: .seconds(3600))
        #expect(between.isEmpty)
        let second = job.scheduleReminders(now: t0.addingTimeInterval(7200), every: .seconds(3600))
        #expect(second.count == 1)
        #expect(job.reminders == 2)
    }

    @Test("every event state has its journal spelling, and only failures, gates and reminders need attention")
    func eventStates() {
        #expect(JobEventState.allCases.filter(\.needsAttention) == [.failed, .gated, .reminder])
        #expect(JobEventState.allCases.map(\.rawValue).contains("reminder"))
    }
}
