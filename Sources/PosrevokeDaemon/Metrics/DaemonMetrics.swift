import Foundation
import PosrevokeControl
import PosrevokeCore
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics, in swift-prometheus's registry.
///
/// Only polls are recorded as they happen (their outcome, duration and lateness): that is all the poll path pays.
/// Everything else is read from the parts' own counters when `/metrics` is scraped (`refresh`), so a daemon nobody
/// scrapes does no more work. Every label set is bounded: kinds, states, steps, statuses, providers and outcomes,
/// never a terminal or store.
final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let pollsOK: Counter
    private let pollsFailed: Counter
    private let durationOK: DurationHistogram
    private let durationFailed: DurationHistogram
    private let lateness: DurationHistogram
    /// What each cumulative series read at a scrape has been advanced to, so the next scrape adds only the growth.
    private let advanced = Mutex<[String: Int64]>([:])

    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
    static let latenessBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    init() {
        let polls = Self.name("polls", unit: "total", "Polls finished, by outcome.")
        pollsOK = registry.makeCounter(descriptor: polls, labels: [("outcome", "ok")])
        pollsFailed = registry.makeCounter(descriptor: polls, labels: [("outcome", "failed")])
        let duration = Self.name("poll_duration", unit: "seconds", "How long polls took, by outcome.")
        durationOK = registry.makeDurationHistogram(
            descriptor: duration,
            labels: [("outcome", "ok")],
            buckets: Self.durationBuckets
        )
        durationFailed = registry.makeDurationHistogram(
            descriptor: duration,
            labels: [("outcome", "failed")],
            buckets: Self.durationBuckets
        )
        lateness = registry.makeDurationHistogram(
            descriptor: Self.name("poll_lateness", unit: "seconds", "How late polls started against their timetable."),
            labels: [],
            buckets: Self.latenessBuckets
        )
        registry.makeGauge(
            descriptor: Self.name("build_info", unit: "", "The running build; the value is always 1."),
            labels: [("version", BuildInfo.version)]
        ).set(to: 1)
    }

    static func name(_ metric: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "posrevoke", metricName: metric, unitName: unit, helpText: help)
    }

    /// A poll's result reached the engine.
    func pollFinished(ok: Bool, nanoseconds: UInt64) {
        (ok ? pollsOK : pollsFailed).increment()
        (ok ? durationOK : durationFailed).recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// A poll started this late.
    func pollStarted(lateness nanoseconds: UInt64) {
        lateness.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// The metrics text, with everything read at scrape set from `snapshot` first.
    func exposition(_ snapshot: MetricsSnapshot) -> [UInt8] {
        refresh(snapshot)
        return registry.emitToBuffer()
    }

    private func refresh(_ s: MetricsSnapshot) {
        gauge("terminals", "Terminals in the inventory.", [], s.terminals)
        total("polls_skipped", "Ticks whose poll was skipped, by reason.", [("reason", "busy")], s.skippedBusy)
        total("polls_skipped", "Ticks whose poll was skipped, by reason.", [("reason", "late")], s.skippedLate)
        total("polls_passed_over", "Polls of failing terminals passed over by the backoff.", [], s.backedOff)
        total("transactions", "New transactions stored.", [], s.transactions)
        total("transaction_duplicates", "Transactions delivered again and ignored.", [], s.duplicates)
        total("commits_failed", "Batches of poll results the state store refused.", [], s.failedCommits)
        for kind in AlertKind.allCases {
            for state in ["firing", "pending"] {
                let count = s.alerts[kind.rawValue + " " + state] ?? 0
                gauge("alerts", "Alerts by kind and state.", [("kind", kind.rawValue), ("state", state)], count)
            }
        }
        total("journal_entries_written", "Entries journald took: log lines and alert entries.", [], s.journalWritten)
        total(
            "journal_entries_dropped",
            "Log entries dropped because the journal queue was full.",
            [],
            s.journalDropped
        )
        gauge("outbox_entries", "Alert entries committed and not yet written to the journal.", [], s.alertsUnwritten)
        for status in JobStatus.allCases {
            for step in JobStep.allCases {
                let count = s.jobs[step.rawValue + " " + status.rawValue] ?? 0
                gauge(
                    "jobs",
                    "Jobs by step and status.",
                    [("step", step.rawValue), ("status", status.rawValue)],
                    count
                )
            }
        }
        for (status, count) in s.plans.sorted(by: { $0.key < $1.key }) {
            gauge("plans", "Plans by status.", [("status", status)], count)
        }
        for (name, help, label, counts) in [
            ("platform_calls", "Payment-platform calls by provider and outcome.", "provider", s.platformCalls),
            ("tms_calls", "Terminal-management-system calls by TMS and outcome.", "tms", s.tmsCalls),
            ("gateway_requests", "Gateway batch requests by gateway and outcome.", "gateway", s.gatewayRequests),
        ] {
            // Keys are "who outcome".
            for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: " ").map(String.init)
                guard parts.count == 2 else { continue }
                total(name, help, [(label, parts[0]), ("outcome", parts[1])], count)
            }
        }
        if let callbacks = s.callbacks {
            let help = "Payment-platform callbacks by outcome."
            total("callbacks", help, [("outcome", "handled")], callbacks.accepted)
            total("callbacks", help, [("outcome", "duplicate")], callbacks.duplicates)
            total("callbacks", help, [("outcome", "refused")], callbacks.refused)
        }
        gauge(
            "config_last_reload_successful",
            "Whether the last reload of the config was applied (1) or rejected (0).",
            [],
            s.reloadOK ? 1 : 0
        )
        registry.makeGauge(
            descriptor: Self.name(
                "config_last_reload_success_timestamp",
                unit: "seconds",
                "When the config in force was loaded, as Unix time."
            ),
            labels: []
        ).set(to: s.configLoadedAt.timeIntervalSince1970)
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Int) {
        registry.makeGauge(descriptor: Self.name(name, unit: "", help), labels: labels).set(to: Double(value))
    }

    /// A counter advanced to a cumulative total read from its part.
    private func total(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Int) {
        let counter = registry.makeCounter(descriptor: Self.name(name, unit: "total", help), labels: labels)
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let growth = advanced.withLock { advanced -> Int64 in
            let before = advanced[key] ?? 0
            let now = Int64(value)
            guard now > before else { return 0 }
            advanced[key] = now
            return now - before
        }
        if growth > 0 { counter.increment(by: growth) }
    }
}

/// What a scrape reads from the daemon's parts.
struct MetricsSnapshot: Sendable {
    var terminals = 0
    var skippedBusy = 0
    var skippedLate = 0
    var backedOff = 0
    var transactions = 0
    var duplicates = 0
    var failedCommits = 0
    /// "kind state" → count, for firing and pending alerts.
    var alerts: [String: Int] = [:]
    var journalWritten = 0
    var journalDropped = 0
    var alertsUnwritten = 0
    /// "step status" → count.
    var jobs: [String: Int] = [:]
    var plans: [String: Int] = [:]
    /// "provider outcome" → count.
    var platformCalls: [String: Int] = [:]
    /// "tms outcome" → count.
    var tmsCalls: [String: Int] = [:]
    /// Gateway batch requests, "gateway outcome" → requests.
    var gatewayRequests: [String: Int] = [:]
    var callbacks: CallbackCounts?
    var reloadOK = true
    var configLoadedAt = Date()
}
