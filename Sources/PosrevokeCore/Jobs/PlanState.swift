public import Foundation

/// Where a plan stands.
public enum PlanStatus: String, Sendable, Codable, CaseIterable {
    case active
    case paused
    case cancelled
    case completed
}

/// What the plan machine asks the runner to do.
public enum PlanDecision: Sendable, Equatable {
    /// Release every job of this wave.
    case releaseWave(Int)
    /// The health gate failed: pause the plan and raise `health-gate-failed`.
    case gateFailed(reason: String)
    /// Every job has finished.
    case complete
    /// Nothing to do until then (the soak ends).
    case wakeAt(Date)
}

/// A plan's durable progress through its waves.
public struct PlanState: Sendable, Codable, Equatable {
    public var id: String
    public var status = PlanStatus.active
    public var pauseReason: String?
    /// The last wave released, or -1 before the canary.
    public var currentWave = -1
    public var waveCount: Int
    /// When every job of the current wave had passed cutover; the soak counts from here.
    public var waveSettledAt: Date?
    /// Operator override: the next gate check passes regardless.
    public var skipNextGate = false
    /// The plan disappeared from the config file: paused, never deleted.
    public var removedFromConfig = false
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, waveCount: Int, now: Date) {
        self.id = id
        self.waveCount = waveCount
        self.createdAt = now
        self.updatedAt = now
    }

    /// Decides the plan's next move from its jobs and the alerts firing now. Pure; call whenever jobs change.
    ///
    /// - Parameter alerting: keys of the alerts pending or firing now; the gate looks at those of every terminal
    ///   (and store) the plan has released so far, not only the current wave's.
    public mutating func evaluate(
        config: PlanConfig,
        jobs: [Job],
        alerting: Set<AlertKey>,
        now: Date
    )
        -> [PlanDecision]
    {
        guard status == .active else { return [] }
        guard currentWave >= 0 else {
            guard waveCount > 0 else { return complete(now) }
            currentWave = 0
            updatedAt = now
            return [.releaseWave(0)]
        }
        let wave = jobs.filter { $0.wave == currentWave }
        guard wave.allSatisfy(\.isSettled) else { return [] }
        if waveSettledAt == nil {
            waveSettledAt = now
            updatedAt = now
        }
        if currentWave >= waveCount - 1 {
            return jobs.allSatisfy(\.status.isFinal) ? complete(now) : []
        }
        let soakEnds = (waveSettledAt ?? now).addingTimeInterval(config.waves.soak.seconds)
        guard now >= soakEnds else { return [.wakeAt(soakEnds)] }
        if skipNextGate {
            skipNextGate = false
        } else if let reason = gateFailure(
            config: config,
            released: jobs.filter { $0.wave <= currentWave },
            wave: wave,
            alerting: alerting
        ) {
            status = .paused
            pauseReason = "health gate failed after wave \(currentWave + 1): \(reason)"
            updatedAt = now
            return [.gateFailed(reason: pauseReason!)]
        }
        currentWave += 1
        waveSettledAt = nil
        updatedAt = now
        return [.releaseWave(currentWave)]
    }

    /// Why the gate after `wave` fails, or nil when it passes.
    ///
    /// A blocking alert that is pending or firing on any terminal the plan has released so far (`released`, every
    /// wave up to this one), or for per-store kinds on any of their stores, fails it: a `for:` duration or an early
    /// wave's late trouble must not let the next wave through. Failed jobs are counted in `wave`, against
    /// `max_failed_jobs`.
    public func gateFailure(config: PlanConfig, released: [Job], wave: [Job], alerting: Set<AlertKey>) -> String? {
        let terminals = Set(released.map(\.terminal))
        let stores = Set(released.map(\.store))
        let blocking = Set(config.gate.blockingAlerts)
        let hits = alerting.filter { key in
            guard blocking.contains(key.kind) else { return false }
            switch key.scope {
            case .terminal: return terminals.contains(key.terminal)
            case .store: return stores.contains(key.subject)
            // The platform's evidence against the merchant as a whole names every released terminal.
            case .merchant: return !terminals.isEmpty
            }
        }.sorted()
        let failed = wave.filter { $0.status == .failed }
        var reasons: [String] = []
        if !hits.isEmpty {
            let sample = hits.prefix(5).map {
                "\($0.kind.rawValue) on \($0.scope == .terminal ? "" : "\($0.scope.rawValue) ")\($0.subject)"
            }
            .joined(separator: ", ")
            reasons.append(
                "\(hits.count) blocking alert\(hits.count == 1 ? "" : "s") pending or firing (\(sample))"
            )
        }
        if failed.count > config.gate.maxFailedJobs {
            reasons.append(
                "\(failed.count) failed job\(failed.count == 1 ? "" : "s") (at most \(config.gate.maxFailedJobs) allowed)"
            )
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    private mutating func complete(_ now: Date) -> [PlanDecision] {
        status = .completed
        updatedAt = now
        return [.complete]
    }
}
