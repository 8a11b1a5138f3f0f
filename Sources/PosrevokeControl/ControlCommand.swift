/// Every command the control socket knows. The wire carries the raw value; `posrevokectl` and the daemon both name
/// commands through this enum, so a command one side sends and the other does not know cannot be written.
public enum ControlCommand: String, CaseIterable, Sendable {
    case status
    case reload
    case terminalsList = "terminals.list"
    case terminalsShow = "terminals.show"
    case terminalsImport = "terminals.import"
    case alertsList = "alerts.list"
    case alertsAck = "alerts.ack"
    case alertsSilence = "alerts.silence"
    case alertsSilences = "alerts.silences"
    case alertsUnsilence = "alerts.unsilence"
    case plansCreate = "plans.create"
    case plansList = "plans.list"
    case plansShow = "plans.show"
    case plansPause = "plans.pause"
    case plansResume = "plans.resume"
    case plansCancel = "plans.cancel"
    case jobsList = "jobs.list"
    case jobsShow = "jobs.show"
    case jobsConfirm = "jobs.confirm"
    case jobsRetry = "jobs.retry"
    case jobsCancel = "jobs.cancel"
    case jobsRunNow = "jobs.run-now"
    case jobsPause = "jobs.pause"
    case jobsResume = "jobs.resume"
    case feedbackAdd = "feedback.add"
    case feedbackImport = "feedback.import"
    case feedbackReport = "feedback.report"
    case feedbackDigest = "feedback.digest"
    case backupsVerify = "backups.verify"
    case authorizationsImport = "authorizations.import"
    case authorizationsList = "authorizations.list"
    case platformCheck = "platform.check"
    case billsFetch = "bills.fetch"

    /// Commands that change something: the daemon audits each one with the peer's credentials, and refuses it when
    /// it cannot read them.
    public var changesState: Bool {
        switch self {
        case .reload, .alertsAck, .alertsSilence, .alertsUnsilence, .plansCreate, .plansPause, .plansResume,
            .plansCancel, .jobsConfirm, .jobsRetry, .jobsCancel, .jobsRunNow, .jobsPause, .jobsResume, .feedbackAdd,
            .feedbackImport, .feedbackDigest, .authorizationsImport, .billsFetch:
            true
        case .status, .terminalsList, .terminalsShow, .terminalsImport, .alertsList, .alertsSilences, .plansList,
            .plansShow, .jobsList,
            .jobsShow, .feedbackReport, .backupsVerify, .authorizationsList, .platformCheck:
            false
        }
    }
}

extension ControlRequest {
    public init(_ command: ControlCommand, args: [String: String] = [:], body: String? = nil) {
        self.init(command: command.rawValue, args: args, body: body)
    }
}
