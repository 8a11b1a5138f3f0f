public import Foundation

/// When a step that needs a person is brought up again. Gated steps are reminded every `reminder_interval`, the
/// first one interval after the gate opened; a hardware removal still waiting once per interval since it began.
extension Job {
    /// What a gate waits for, as the step said when it opened (`StepOutcome.gate`).
    public var gate: String? {
        get { context["gate"] }
        set { context["gate"] = newValue }
    }

    /// A gated job fell due: the reminder, and the next one scheduled an interval later.
    public mutating func remindOfGate(now: Date, every interval: Duration) -> JobEvent {
        remind(now: now, every: interval)
        return JobEvent(step: step, state: .reminder, detail: "still needs an operator: \(gate ?? "")")
    }

    /// After an outcome was applied: a removal waiting for longer than its reminders so far gets one more, and a
    /// gate that has just opened gets its first reminder scheduled one interval on, not at once.
    public mutating func scheduleReminders(now: Date, every interval: Duration) -> [JobEvent] {
        var events: [JobEvent] = []
        if step == .removeHardware, status == .waiting,
            now.timeIntervalSince(stepSince) >= Double(reminders + 1) * interval.seconds
        {
            reminders += 1
            let note = gate ?? "peripheral still attached"
            events.append(JobEvent(step: step, state: .reminder, detail: "reminder \(reminders): \(note)"))
        }
        if status == .gated, (nextDue ?? now) <= now {
            nextDue = now.addingTimeInterval(interval.seconds)
        }
        return events
    }
}
