public import Foundation
public import PosrevokeCore

/// `posrevokectl status`.
public struct StatusView: Sendable, Codable {
    public var statusLine: String
    public var terminals: Int
    public var alertsFiring: Int
    public var reload: String
    public var pollsLaunched: Int
    public var pollsSkipped: Int
    /// How late polls started against their timetable, over the recent polls.
    public var latenessP50Milliseconds: Double
    public var latenessP99Milliseconds: Double
    public var journalDropped: Int
    /// Alert entries committed and not yet written to the journal (journald down or slow), and why, if it refuses.
    public var alertsUnwritten: Int
    public var journalError: String?
    /// Polls of failing terminals passed over by the backoff.
    public var pollsBackedOff: Int
    /// Terminal feedback entries stored since start, and those delivered again and ignored.
    public var feedbackStored: Int
    public var feedbackDuplicates: Int
    public var plans: [String: Int]
    public var jobs: [String: Int]
    /// Transactions and feedback entries whose agent dated them more than 5 minutes after the daemon's clock;
    /// their times were clamped to it.
    public var futureTimesClamped = 0
    /// Pay Score callbacks handled, delivered again, and refused (not believed or not readable), with the last
    /// refusal's reason; nil when `callbacks.listen` is off.
    public var callbacks: CallbackCounts?

    public init(
        statusLine: String,
        terminals: Int,
        alertsFiring: Int,
        reload: String,
        pollsLaunched: Int,
        pollsSkipped: Int,
        latenessP50Milliseconds: Double = 0,
        latenessP99Milliseconds: Double,
        journalDropped: Int,
        alertsUnwritten: Int = 0,
        journalError: String? = nil,
        pollsBackedOff: Int = 0,
        feedbackStored: Int = 0,
        feedbackDuplicates: Int = 0,
        plans: [String: Int],
        jobs: [String: Int]
    ) {
        self.statusLine = statusLine
        self.terminals = terminals
        self.alertsFiring = alertsFiring
        self.reload = reload
        self.pollsLaunched = pollsLaunched
        self.pollsSkipped = pollsSkipped
        self.latenessP50Milliseconds = latenessP50Milliseconds
        self.latenessP99Milliseconds = latenessP99Milliseconds
        self.journalDropped = journalDropped
        self.alertsUnwritten = alertsUnwritten
        self.journalError = journalError
        self.pollsBackedOff = pollsBackedOff
        self.feedbackStored = feedbackStored
        self.feedbackDuplicates = feedbackDuplicates
        self.plans = plans
        self.jobs = jobs
    }
}

/// One terminal as the daemon sees it, with its effective cancellation state.
public struct TerminalView: Sendable, Codable {
    public var id: String
    public var store: String
    public var driver: String
    public var pollInterval: String
    public var providers: [String: String]
    public var cursor: Int64
    public var firing: [String]

    public init(
        id: String,
        store: String,
        driver: String,
        pollInterval: String,
        providers: [String: String],
        cursor: Int64,
        firing: [String]
    ) {
        self.id = id
        self.store = store
        self.driver = driver
        self.pollInterval = pollInterval
        self.providers = providers
        self.cursor = cursor
        self.firing = firing
    }
}

/// One alert record.
public struct AlertView: Sendable, Codable {
    public var key: String
    public var kind: String
    public var severity: String
    public var terminal: String
    public var provider: String
    public var store: String
    public var state: String
    public var since: Date?
    public var summary: String
    public var acknowledged: Bool
    public var silenced: Bool
    /// Where the proof came from: `terminal`, `platform-bill` or `platform-callback`.
    public var source: String?
    /// The journal fields that prove it (order numbers, transaction ids, counts).
    public var evidence: [String: String]?

    public init(
        key: String,
        kind: String,
        severity: String,
        terminal: String,
        provider: String,
        store: String,
        state: String,
        since: Date?,
        summary: String,
        acknowledged: Bool,
        silenced: Bool
    ) {
        self.key = key
        self.kind = kind
        self.severity = severity
        self.terminal = terminal
        self.provider = provider
        self.store = store
        self.state = state
        self.since = since
        self.summary = summary
        self.acknowledged = acknowledged
        self.silenced = silenced
    }
}

/// A plan with its progress per wave.
public struct PlanView: Sendable, Codable {
    public struct Wave: Sendable, Codable {
        public var number: Int
        public var jobs: Int
        public var settled: Int
        public var completed: Int
        public var failed: Int
        public var released: Bool

        public init(number: Int, jobs: Int, settled: Int, completed: Int, failed: Int, released: Bool) {
            self.number = number
            self.jobs = jobs
            self.settled = settled
            self.completed = completed
            self.failed = failed
            self.released = released
        }
    }

    public var config: PlanConfig
    public var state: PlanState
    public var source: String
    public var jobs: [String: Int]
    public var waves: [Wave]

    public init(config: PlanConfig, state: PlanState, source: String, jobs: [String: Int], waves: [Wave]) {
        self.config = config
        self.state = state
        self.source = source
        self.jobs = jobs
        self.waves = waves
    }
}

/// The result of `posrevokectl reload`.
public struct ReloadView: Sendable, Codable {
    public var applied: Bool
    public var errors: [String]
    public var terminals: Int

    public init(applied: Bool, errors: [String], terminals: Int) {
        self.applied = applied
        self.errors = errors
        self.terminals = terminals
    }
}

/// One backup's verification.
public struct BackupCheck: Sendable, Codable {
    public var plan: String
    public var terminal: String
    public var ok: Bool
    public var detail: String

    public init(plan: String, terminal: String, ok: Bool, detail: String) {
        self.plan = plan
        self.terminal = terminal
        self.ok = ok
        self.detail = detail
    }
}

/// One silence in force (`alerts.silences`), or the one just set or lifted.
public struct SilenceView: Sendable, Codable, Equatable {
    public var id: Int64
    public var matcher: String
    public var until: Date
    public var comment: String
    public var createdAt: Date
    /// Who set it, from the control socket's peer credentials: `user (uid N)`.
    public var createdBy: String

    public init(id: Int64, matcher: String, until: Date, comment: String, createdAt: Date, createdBy: String) {
        self.id = id
        self.matcher = matcher
        self.until = until
        self.comment = comment
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// What the callback listener has done since start.
public struct CallbackCounts: Sendable, Codable, Equatable {
    public var accepted: Int
    public var duplicates: Int
    public var refused: Int
    public var lastRefusal: String

    public init(accepted: Int, duplicates: Int, refused: Int, lastRefusal: String) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.refused = refused
        self.lastRefusal = lastRefusal
    }
}
