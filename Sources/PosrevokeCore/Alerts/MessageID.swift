/// Stable journal `MESSAGE_ID`s. Never change one: operators filter and alert on them.
public enum MessageID {
    public static let lingeringCreditPay = "5176092aa5164af3a56674a16cff81c0"
    public static let creditPayAttempt = "9aa437a4d2064e079bad0be1f23262b5"
    public static let terminalUnreachable = "3bdac23e360e4ae9b8333a6267ad0e01"
    public static let paymentFailureRate = "5bca33936a504cb39fc078763e69948b"
    public static let jobFailed = "67b721063a1d47cb99c078f7043c9685"
    public static let reviewOverdue = "09a140671b47422aac0cc71cd4c87930"
    public static let healthGateFailed = "1b6c66ca6baa42cb8b007f8960f42c0c"
    public static let negativeFeedback = "331868b95c5c490d8e83159483f64434"
    /// `lingering-credit-pay` from the payment platform's daily trade bill (`EVIDENCE_SOURCE=platform-bill`).
    public static let lingeringFromBill = "e6784379c0c142d1aa06988d49202652"
    /// `lingering-credit-pay` from the payment platform's Pay Score callbacks (`EVIDENCE_SOURCE=platform-callback`).
    public static let lingeringFromCallback = "6eb604f8aca2451ab46c126720ee78db"
    /// A day's trade bill could not be had or checked for longer than the limit.
    public static let tradeBillMissing = "c921710c34e6459e9eb371b4f9022f45"
    /// A day's trade bill was downloaded, checked and read: rows, Pay Score rows, malformed rows.
    public static let tradeBillRead = "ac917a313113440588a7d23288751dae"
    /// The daily feedback digest of one plan.
    public static let feedbackDigest = "c4f40576c1ab4197ad3c57a087906156"
    /// Feedback was added by an operator or imported from a survey export (category and rating only).
    public static let feedbackRecorded = "ebe90ec1532446848522bdf4d6fde4ad"
    /// A job step started, finished, waited, retried or was gated.
    public static let jobStep = "b44a98e1d2f642fb8c8e382caedd18b6"
    /// A plan was created, released a wave, paused, resumed, cancelled or completed.
    public static let planEvent = "958b19d60c8145678e82a99b6fc4c80b"
    /// Many transitions coalesced into one entry by flood control.
    public static let alertSummary = "6d29ed60afeb44be8a6d482b989f801c"
    public static let reloadRejected = "539b8593b38a4c9e91014438664cf889"
    public static let reloadApplied = "3ca54efd06ce47c9ac470eb116060b71"
    public static let daemonReady = "c45c1a19eb4048ad96abb5afdd7bb832"
    /// Periodic scheduler and engine figures: polls, skips, lateness, drops.
    public static let daemonStatistics = "12cee683b57f4e52a5a577701b5f88c6"
    public static let daemonStopping = "4c769eb8c92a40a6bbd7631755ba862e"
    /// Journal entries were dropped because the send queue was full.
    public static let journalDropped = "5bb51c15f44b449faa827cf8a72f4d7d"
    /// The state store refused a write (disk full, I/O error); polls are retried.
    public static let storeWriteFailed = "6b9aab628827445bb456bb5474b1f99f"
    /// A part that must make progress stalled, so the daemon stopped feeding systemd's watchdog (or it recovered).
    public static let watchdogWithheld = "4cd2e361de7b4737bf82339ae59fd8f3"
    /// A state database row could not be decoded: it was moved to the quarantine table and the daemon went on.
    public static let stateRowQuarantined = "3394af8369754596bda87d937f828897"
    /// An operator command that changes something (plans, jobs, acks, silences, feedback, reload), with the peer's
    /// uid and user name from the control socket's credentials.
    public static let operatorCommand = "90d99bf34dca4a2b8b947e9599bbb41a"

    /// Every id, for checks that the journal catalog explains each one.
    public static let all = [
        lingeringCreditPay, creditPayAttempt, terminalUnreachable, paymentFailureRate, alertSummary, reloadRejected,
        reloadApplied, daemonReady, daemonStatistics, daemonStopping, journalDropped, storeWriteFailed, jobFailed,
        reviewOverdue, healthGateFailed, jobStep, planEvent, negativeFeedback, feedbackDigest, feedbackRecorded,
        watchdogWithheld, stateRowQuarantined, operatorCommand, lingeringFromBill, lingeringFromCallback,
        tradeBillMissing, tradeBillRead,
    ]
}
