import Foundation
import PosrevokeControl
import PosrevokeCore

/// Answers control-socket requests. Runs on socket worker threads and reaches into the loop, engine and job
/// queues with `sync`, never the other way round.
extension Daemon {
    func handle(_ request: ControlRequest) -> ControlResponse {
        do {
            return try dispatch(request)
        } catch {
            return .failure("\(error)")
        }
    }

    private func dispatch(_ request: ControlRequest) throws -> ControlResponse {
        let args = request.args
        func arg(_ name: String) throws -> String {
            guard let value = args[name], !value.isEmpty else { throw ControlError("missing argument '\(name)'") }
            return value
        }
        switch request.command {
        case "status":
            return try .success(status())
        case "terminals.list":
            return try .success(terminalViews())
        case "terminals.show":
            let id = try arg("id")
            guard let view = terminalViews().first(where: { $0.id == id }) else {
                throw ControlError("no terminal '\(id)'")
            }
            return try .success(view)
        case "alerts.list":
            let all = args["all"] == "true"
            return try .success(alertViews().filter { all || $0.state == "firing" || $0.state == "pending" })
        case "alerts.ack":
            guard let key = AlertKey(try arg("key")) else {
                throw ControlError("not an alert key: \(args["key"] ?? "")")
            }
            try engine.queue.sync {
                try engine.acknowledge(key, by: args["by"] ?? "operator", comment: args["comment"] ?? "")
            }
            return try .success(alertViews().filter { $0.key == key.description })
        case "alerts.silence":
            guard let duration = DurationText.parse(try arg("for")), duration > .zero else {
                throw ControlError("--for must be a duration such as 30m or 2h")
            }
            let silence = Silence(
                matcher: try arg("matcher"),
                until: clock.now().addingTimeInterval(duration.seconds),
                comment: args["comment"] ?? ""
            )
            try engine.queue.sync { try engine.add(silence) }
            return try .success(["matcher": silence.matcher, "until": silence.until.formatted(.iso8601)])
        case "plans.create":
            guard let body = request.body else { throw ControlError("plans create needs a plan file") }
            let plan: PlanConfig
            do {
                let (terminals, platform) = loop.sync { (config.terminals, config.platform) }
                plan = try ConfigParser.parsePlan(yaml: body, terminals: terminals, platform: platform)
            } catch {
                throw ControlError("invalid plan:\n" + error.issues.map { "  \($0)" }.joined(separator: "\n"))
            }
            return try .success(runner.create(plan))
        case "plans.list":
            return try .success(runner.planViews())
        case "plans.show":
            return try .success(runner.planView(try arg("id")))
        case "plans.pause", "plans.resume", "plans.cancel":
            let command = JobRunner.PlanCommand(rawValue: String(request.command.dropFirst("plans.".count)))!
            return try .success(runner.command(plan: try arg("id"), command, force: args["force"] == "true"))
        case "jobs.list":
            return try .success(runner.jobList(plan: args["plan"], status: args["status"]))
        case "jobs.show":
            return try .success(runner.job(try arg("id")))
        case "jobs.confirm", "jobs.retry", "jobs.cancel", "jobs.run-now", "jobs.pause", "jobs.resume":
            let command = JobRunner.JobCommand(rawValue: String(request.command.dropFirst("jobs.".count)))!
            return try .success(runner.command(job: try arg("id"), command))
        case let command where command.hasPrefix("feedback."):
            return try handleFeedback(request)
        case "reload":
            return try .success(loop.sync { reload() })
        case "backups.verify":
            return try .success(
                backups.verifyAll().map {
                    BackupCheck(plan: $0.plan, terminal: $0.terminal, ok: $0.ok, detail: $0.detail)
                }
            )
        default:
            throw ControlError("unknown command '\(request.command)'")
        }
    }

    private func status() -> StatusView {
        let (line, stats) = loop.sync { (statusLine(), scheduler.snapshot()) }
        let counts = runner.counts()
        let engineStats = engine.published.withLock { $0 }
        var view = StatusView(
            statusLine: line.text,
            terminals: line.terminals,
            alertsFiring: line.firing,
            reload: line.reload,
            pollsLaunched: stats.counters.launched,
            pollsSkipped: stats.counters.skippedBusy + stats.counters.skippedLate,
            latenessP50Milliseconds: Double(stats.latenessP50) / 1e6,
            latenessP99Milliseconds: Double(stats.latenessP99) / 1e6,
            journalDropped: line.dropped,
            alertsUnwritten: line.unwritten,
            journalError: line.journalError,
            pollsBackedOff: inventory.backedOffCount,
            feedbackStored: engineStats.feedback,
            feedbackDuplicates: engineStats.feedbackDuplicates,
            plans: counts.plans,
            jobs: counts.jobs
        )
        view.futureTimesClamped = engineStats.futureTimesClamped
        return view
    }

    private func terminalViews() -> [TerminalView] {
        let firing = engine.queue.sync { engine.firingKeys }
        let ids = loop.sync { config.terminals.map(\.id) }
        let effective = engine.queue.sync { ids.compactMap { engine.terminal($0) } }
        return effective.map { terminal in
            TerminalView(
                id: terminal.id,
                store: terminal.store,
                driver: terminal.driver,
                pollInterval: DurationText.format(terminal.pollInterval),
                providers: Dictionary(
                    uniqueKeysWithValues: terminal.providers.map { provider, state in
                        (
                            provider.rawValue,
                            state.cutover.map { "\(state.state.rawValue) since \($0.formatted(.iso8601))" }
                                ?? state.state.rawValue
                        )
                    }
                ),
                cursor: inventory.cursor(terminal.id),
                firing: firing.filter { !$0.kind.isPerStore && $0.terminal == terminal.id }.map(\.kind.rawValue)
                    .sorted()
            )
        }
    }

    private func alertViews() -> [AlertView] {
        engine.queue.sync {
            engine.alertRecords.sorted { $0.key < $1.key }.map { record in
                let (state, since): (String, Date?) =
                    switch record.machine.state {
                    case .inactive: ("inactive", nil)
                    case .pending(let since): ("pending", since)
                    case .firing(let since, _): ("firing", since)
                    case .resolved(_, let since): ("resolved", since)
                    }
                return AlertView(
                    key: record.key.description,
                    kind: record.key.kind.rawValue,
                    severity: record.key.kind.severity.rawValue,
                    terminal: record.key.terminal,
                    provider: record.key.provider,
                    store: record.store,
                    state: state,
                    since: since,
                    summary: record.summary,
                    acknowledged: engine.isAcknowledged(record.key),
                    silenced: engine.isSilenced(record)
                )
            }
        }
    }
}
