import Foundation
import PosrevokeControl
import PosrevokeCore

/// What `status`, `terminals` and `alerts` show: read from the loop, engine and job runner.
extension Daemon {
    func status() -> StatusView {
        let (line, stats) = loop.checkedSync { (statusLine(), scheduler.onQueue { $0.snapshot() }) }
        let counts = runner.sync { $0.counts() }
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
        view.callbacks = callbacks?.counts.withLock { $0 }
        return view
    }

    func terminalViews() -> [TerminalView] {
        let firing = engine.sync { engine in engine.firingKeys }
        let ids = loop.checkedSync { config.terminals.map(\.id) }
        let effective = engine.sync { engine in ids.compactMap { engine.terminal($0) } }
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
                firing: firing.filter { $0.scope == .terminal && $0.terminal == terminal.id }.map(\.kind.rawValue)
                    .sorted()
            )
        }
    }

    func alertViews() -> [AlertView] {
        engine.sync { engine in
            engine.alertRecords.sorted { $0.key < $1.key }.map { record in
                let (state, since): (String, Date?) =
                    switch record.machine.state {
                    case .inactive: ("inactive", nil)
                    case .pending(let since): ("pending", since)
                    case .firing(let since, _): ("firing", since)
                    case .resolved(_, let since): ("resolved", since)
                    }
                var view = AlertView(
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
                // A missing bill is about the platform's evidence too, though no bill names it.
                view.source =
                    !record.key.source.isEmpty
                    ? record.key.source
                    : record.key.kind == .tradeBillMissing
                        ? EvidenceSource.bill.rawValue : EvidenceSource.terminal.rawValue
                view.evidence = record.evidence
                return view
            }
        }
    }
}
