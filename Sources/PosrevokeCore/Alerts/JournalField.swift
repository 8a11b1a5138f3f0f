/// The journal fields posrevoke writes on many entries, spelled once, beside the message ids in `MessageID`.
/// Fields that only one entry carries are spelled where that entry is written.
public enum JournalField {
    public static let messageID = "MESSAGE_ID"
    /// The alert kind of an alert entry or a flood summary.
    public static let alert = "POSREVOKE_ALERT"
    public static let alertState = "ALERT_STATE"
    public static let terminalID = "TERMINAL_ID"
    public static let storeID = "STORE_ID"
    public static let provider = "PROVIDER"
    public static let planID = "PLAN_ID"
    public static let jobID = "JOB_ID"
    public static let jobStep = "JOB_STEP"
    public static let jobState = "JOB_STATE"
    public static let merchantID = "MERCHANT_ID"
    /// Where a finding's proof came from: `terminal` (polls), `platform-bill` or `platform-callback`.
    public static let evidenceSource = "EVIDENCE_SOURCE"
}
