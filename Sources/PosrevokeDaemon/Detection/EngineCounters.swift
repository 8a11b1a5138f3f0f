import Foundation

/// What the engine has done since start.
struct EngineCounters: Sendable {
    var firing = 0
    /// Announcements not written because they were silenced or repeats of acknowledged alerts.
    var silenced = 0
    /// When the batch being committed started; the watchdog stops pinging if a commit wedges.
    var busySince: Date?
    var commits = 0
    var failedCommits = 0
    var transactions = 0
    var duplicates = 0
    var failedPolls = 0
    var feedback = 0
    var feedbackDuplicates = 0
    var feedbackFailures = 0
    var feedbackRejected = 0
    /// Alert entries committed to the outbox and not yet written to the journal.
    var unwritten = 0
    /// Entries an agent dated more than `AgentDecoding.futureSkew` ahead of the daemon's clock (clamped to it).
    var futureTimesClamped = 0
}
