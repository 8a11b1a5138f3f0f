import Foundation
import Logging
import PosrevokeControl
import PosrevokeCore

/// Answers control-socket requests. Runs on socket worker threads and reaches into the loop, engine and job
/// queues with `sync`, never the other way round.
extension Daemon {
    /// Commands that change something (`ControlCommand.changesState`) are written to the journal
    /// (`MessageID.operatorCommand`) with the peer's credentials, whether they succeed or are refused.
    func handle(_ request: ControlRequest, peer: ControlPeer?) -> ControlResponse {
        guard let command = ControlCommand(rawValue: request.command) else {
            return .failure("unknown command '\(ControlCharacters.escaped(String(request.command.prefix(64))))'")
        }
        guard let peer else {
            // Without the kernel's word on who asks, nothing may change.
            return command.changesState
                ? .failure("permission denied: cannot read the peer's credentials") : handleRead(command, request)
        }
        let response: ControlResponse
        do {
            response = try dispatch(command, request, peer: peer)
        } catch {
            response = .failure("\(error)")
        }
        if command.changesState { audit(command, request, peer: peer, response: response) }
        return response
    }

    private func handleRead(_ command: ControlCommand, _ request: ControlRequest) -> ControlResponse {
        do {
            return try dispatch(command, request, peer: nil)
        } catch {
            return .failure("\(error)")
        }
    }

    /// One journal entry per changing command: who (from `SO_PEERCRED`), what, on what, and how it ended.
    private func audit(
        _ command: ControlCommand,
        _ request: ControlRequest,
        peer: ControlPeer,
        response: ControlResponse
    ) {
        func field(_ text: String) -> String { String(ControlCharacters.escaped(text).prefix(256)) }
        var metadata: Logger.Metadata = [
            JournalField.messageID: "\(MessageID.operatorCommand)",
            "AUDIT_COMMAND": "\(command.rawValue)",
            "AUDIT_UID": "\(peer.uid)",
            "AUDIT_GID": "\(peer.gid)",
            "AUDIT_PID": "\(peer.pid)",
            "AUDIT_USER": "\(field(peer.user))",
            "AUDIT_RESULT": "\(response.ok ? "ok" : "refused")",
        ]
        if let error = response.error { metadata["AUDIT_ERROR"] = "\(field(error))" }
        let args = request.args
        var target = ""
        switch command {
        case let command where command.rawValue.hasPrefix("plans."):
            let id = args["id"] ?? response.result?.objectField("config", "id") ?? ""
            if !id.isEmpty {
                metadata[JournalField.planID] = "\(field(id))"
                target = " plan \(field(id))"
            }
        case let command where command.rawValue.hasPrefix("jobs."):
            if let id = args["id"] {
                metadata[JournalField.jobID] = "\(field(id))"
                target = " job \(field(id))"
            }
        case .alertsAck:
            if let key = args["key"] {
                metadata["ALERT_KEY"] = "\(field(key))"
                target = " alert \(field(key))"
            }
        case .alertsSilence, .alertsUnsilence:
            if let id = args["id"] ?? response.result?.objectField("id") {
                metadata["SILENCE_ID"] = "\(field(id))"
                target = " silence \(field(id))"
            }
            if let matcher = args["matcher"] ?? response.result?.objectField("matcher") {
                metadata["SILENCE_MATCHER"] = "\(field(matcher))"
                target += " (\(field(matcher)))"
            }
        case .feedbackAdd:
            if let store = args["store"] {
                metadata[JournalField.storeID] = "\(field(store))"
                target = " for store \(field(store))"
            }
        case .feedbackDigest:
            if let plan = args["plan"] { metadata[JournalField.planID] = "\(field(plan))" }
        default:
            break
        }
        let outcome = response.ok ? "ok" : "refused: \(field(response.error ?? ""))"
        logger.notice(
            "operator command \(request.command)\(target) by \(peer.label): \(outcome)",
            metadata: metadata
        )
    }

    private func dispatch(
        _ command: ControlCommand,
        _ request: ControlRequest,
        peer: ControlPeer?
    ) throws -> ControlResponse {
        let args = request.args
        func arg(_ name: String) throws -> String {
            guard let value = args[name], !value.isEmpty else { throw ControlError("missing argument '\(name)'") }
            return value
        }
        func plan(_ action: JobRunner.PlanCommand) throws -> ControlResponse {
            try .success(
                runner.command(
                    plan: try arg("id"),
                    action,
                    force: args["force"] == "true",
                    by: peer?.label ?? "an operator"
                )
            )
        }
        func job(_ action: JobRunner.JobCommand) throws -> ControlResponse {
            try .success(runner.command(job: try arg("id"), action))
        }
        switch command {
        case .status:
            return try .success(status())
        case .terminalsList:
            return try .success(terminalViews())
        case .terminalsShow:
            let id = try arg("id")
            guard let view = terminalViews().first(where: { $0.id == id }) else {
                throw ControlError("no terminal '\(id)'")
            }
            return try .success(view)
        case .alertsList:
            let all = args["all"] == "true"
            return try .success(alertViews().filter { all || $0.state == "firing" || $0.state == "pending" })
        case .alertsAck:
            guard let key = AlertKey(try arg("key")) else {
                throw ControlError("not an alert key: \(args["key"] ?? "")")
            }
            // Who acknowledged is the peer, not what the request claims.
            let by = peer?.label ?? "unknown"
            try engine.queue.checkedSync { try engine.acknowledge(key, by: by, comment: args["comment"] ?? "") }
            return try .success(alertViews().filter { $0.key == key.description })
        case .alertsSilence:
            guard let duration = DurationText.parse(try arg("for")), duration > .zero else {
                throw ControlError("--for must be a duration such as 30m or 2h")
            }
            var silence = Silence(
                matcher: try arg("matcher"),
                until: clock.now().addingTimeInterval(duration.seconds),
                comment: args["comment"] ?? ""
            )
            silence.createdBy = peer?.label ?? "unknown"
            let stored = try engine.queue.checkedSync { try engine.add(silence) }
            return try .success([
                "id": String(stored.id), "matcher": stored.matcher, "until": stored.until.formatted(.iso8601),
            ])
        case .alertsSilences:
            return try .success(engine.queue.checkedSync { engine.activeSilences() }.map(Self.view))
        case .alertsUnsilence:
            guard let id = Int64(try arg("id")) else { throw ControlError("a silence id is a number") }
            return try .success(Self.view(try engine.queue.checkedSync { try engine.lift(silence: id) }))
        case .plansCreate:
            guard let body = request.body else { throw ControlError("plans create needs a plan file") }
            let plan: PlanConfig
            do {
                let (terminals, platform) = loop.checkedSync { (config.terminals, config.platform) }
                plan = try ConfigParser.parsePlan(yaml: body, terminals: terminals, platform: platform)
            } catch {
                throw ControlError("invalid plan:\n" + error.issues.map { "  \($0)" }.joined(separator: "\n"))
            }
            return try .success(runner.create(plan))
        case .plansList:
            return try .success(runner.planViews())
        case .plansShow:
            return try .success(runner.planView(try arg("id")))
        case .plansPause: return try plan(.pause)
        case .plansResume: return try plan(.resume)
        case .plansCancel: return try plan(.cancel)
        case .jobsList:
            return try .success(runner.jobList(plan: args["plan"], status: args["status"]))
        case .jobsShow:
            return try .success(runner.job(try arg("id")))
        case .jobsConfirm: return try job(.confirm)
        case .jobsRetry: return try job(.retry)
        case .jobsCancel: return try job(.cancel)
        case .jobsRunNow: return try job(.runNow)
        case .jobsPause: return try job(.pause)
        case .jobsResume: return try job(.resume)
        case .feedbackAdd, .feedbackImport, .feedbackReport, .feedbackDigest:
            return try handleFeedback(command, request)
        case .reload:
            return try .success(loop.checkedSync { reload() })
        case .backupsVerify:
            return try .success(
                backups.verifyAll().map {
                    BackupCheck(plan: $0.plan, terminal: $0.terminal, ok: $0.ok, detail: $0.detail)
                }
            )
        }
    }

    private static func view(_ silence: Silence) -> SilenceView {
        SilenceView(
            id: silence.id,
            matcher: silence.matcher,
            until: silence.until,
            comment: silence.comment,
            createdAt: silence.createdAt,
            createdBy: silence.createdBy
        )
    }

    private func status() -> StatusView {
        let (line, stats) = loop.checkedSync { (statusLine(), scheduler.snapshot()) }
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
        let firing = engine.queue.checkedSync { engine.firingKeys }
        let ids = loop.checkedSync { config.terminals.map(\.id) }
        let effective = engine.queue.checkedSync { ids.compactMap { engine.terminal($0) } }
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
        engine.queue.checkedSync {
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

extension JSONValue {
    /// A string or number field of an object result (through nested objects), as text.
    fileprivate func objectField(_ path: String...) -> String? {
        var value = self
        for name in path {
            guard case .object(let fields) = value, let next = fields[name] else { return nil }
            value = next
        }
        switch value {
        case .string(let text): return text
        case .number(let number): return Int64(exactly: number).map(String.init) ?? String(number)
        default: return nil
        }
    }
}
