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
        func plan(_ action: PlanCommand) throws -> ControlResponse {
            let (id, force, by) = (try arg("id"), args["force"] == "true", peer?.label ?? "an operator")
            return try .success(runner.sync { try $0.command(plan: id, action, force: force, by: by) })
        }
        func job(_ action: JobCommand) throws -> ControlResponse {
            let id = try arg("id")
            return try .success(runner.sync { try $0.command(job: id, action) })
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
            try engine.sync { engine in try engine.acknowledge(key, by: by, comment: args["comment"] ?? "") }
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
            let stored = try engine.sync { engine in try engine.add(silence) }
            return try .success([
                "id": String(stored.id), "matcher": stored.matcher, "until": stored.until.formatted(.iso8601),
            ])
        case .alertsSilences:
            return try .success(engine.sync { engine in engine.activeSilences() }.map(Self.view))
        case .alertsUnsilence:
            guard let id = Int64(try arg("id")) else { throw ControlError("a silence id is a number") }
            return try .success(Self.view(try engine.sync { engine in try engine.lift(silence: id) }))
        case .plansCreate:
            guard let body = request.body else { throw ControlError("plans create needs a plan file") }
            let plan: PlanConfig
            do {
                let (terminals, platform) = loop.checkedSync { (config.terminals, config.platform) }
                plan = try ConfigParser.parsePlan(yaml: body, terminals: terminals, platform: platform)
            } catch {
                throw ControlError("invalid plan:\n" + error.issues.map { "  \($0)" }.joined(separator: "\n"))
            }
            return try .success(runner.sync { try $0.create(plan) })
        case .plansList:
            return try .success(runner.sync { $0.planViews() })
        case .plansShow:
            let id = try arg("id")
            return try .success(runner.sync { try $0.planView(id) })
        case .plansPause: return try plan(.pause)
        case .plansResume: return try plan(.resume)
        case .plansCancel: return try plan(.cancel)
        case .jobsList:
            let (plan, status) = (args["plan"], args["status"])
            return try .success(runner.sync { $0.jobList(plan: plan, status: status) })
        case .jobsShow:
            let id = try arg("id")
            return try .success(runner.sync { try $0.job(id) })
        case .jobsConfirm: return try job(.confirm)
        case .jobsRetry: return try job(.retry)
        case .jobsCancel: return try job(.cancel)
        case .jobsRunNow: return try job(.runNow)
        case .jobsPause: return try job(.pause)
        case .jobsResume: return try job(.resume)
        case .feedbackAdd, .feedbackImport, .feedbackReport, .feedbackDigest:
            return try handleFeedback(command, request)
        case .authorizationsImport:
            guard let body = request.body, let data = body.data(using: .utf8),
                let batch = try? ControlCoding.decoder.decode(AuthorizationImportRequest.self, from: data)
            else { throw ControlError("authorizations import needs the parsed rows as its body") }
            return try .success(importAuthorizations(batch))
        case .authorizationsList:
            return try .success(store.authorizationCounts())
        case .platformCheck:
            return try .success(checkPlatforms())
        case .terminalsImport:
            let value = { (name: String) in args[name].flatMap { $0.isEmpty ? nil : $0 } }
            return try .success(
                importTerminals(
                    from: value("from") ?? "paxstore",
                    merchant: value("merchant"),
                    reseller: value("reseller")
                )
            )
        case .billsFetch:
            return try .success(bills.fetchNow(date: args["date"].flatMap { $0.isEmpty ? nil : $0 }))
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
}
