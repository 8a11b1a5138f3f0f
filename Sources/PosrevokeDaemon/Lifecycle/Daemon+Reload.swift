import Dispatch
import Foundation
import PosrevokeControl
import PosrevokeCore
import PosrevokeSystemd

extension Daemon {
    // MARK: Reload

    /// parse → validate → build → swap. An invalid file leaves everything as it was.
    @discardableResult
    func reload() -> ReloadView {
        dispatchPrecondition(condition: .onQueue(loop))
        guard phase.acceptsReload else {
            let why = phase == .stopping ? "the daemon is stopping" : "a reload is being applied"
            return ReloadView(applied: false, errors: [why], terminals: 0)
        }
        let before = phase
        phase = .reloading
        defer { phase = before }
        ServiceNotifier.send("RELOADING=1\nMONOTONIC_USEC=\(Signals.monotonicMicroseconds())")
        defer { ServiceNotifier.send("READY=1\nSTATUS=\(statusLine().text)") }
        let candidate: DaemonConfig
        do {
            candidate = try ConfigParser.load(path: options.configPath)
        } catch {
            let first = error.issues.first?.description ?? "invalid config"
            reloadState = "reload rejected: \(first)"
            logger.error(
                "reload rejected, keeping the running config: \(error.issues.map(\.description).joined(separator: "; "))",
                metadata: [
                    JournalField.messageID: "\(MessageID.reloadRejected)",
                    "CONFIG_FILE": "\(options.configPath)",
                    "RELOAD_ERROR": "\(first)",
                    "RELOAD_ERROR_COUNT": "\(error.issues.count)",
                ]
            )
            return ReloadView(
                applied: false,
                errors: error.issues.map(\.description),
                terminals: config.terminals.count
            )
        }
        for (name, before, after) in [
            ("callbacks.listen", config.callbacks.listen, candidate.callbacks.listen),
            ("metrics.listen", config.metrics.listen, candidate.metrics.listen),
        ] where before != after {
            logger.warning("\(name) changed; the listener moves at the next restart, not at a reload")
        }
        let previous = Set(config.terminals.map(\.id))
        let after = Set(candidate.terminals.map(\.id))
        config = candidate
        fleet.reconfigure(
            simulation: candidate.simulation,
            terminals: DriverFactory.simulatedTerminals(candidate.terminals)
        )
        platform.reconfigure(candidate.platform.simulation)
        inventory.replace(candidate.terminals)
        PaxstoreClient.resumeAll()
        let current = drivers()
        rebuildLauncher(drivers: current)
        engine.sync { engine in engine.apply(candidate) }
        runner.apply(
            candidate,
            drivers: current,
            platforms: PlatformFactory.platforms(
                candidate,
                platform: platform,
                client: Self.platformClient,
                clock: clock
            )
        )
        let ((intervals, phases), maxConcurrent) = (timetable(), candidate.polling.maxConcurrent)
        scheduler.onQueue { $0.reconcile(intervals: intervals, phases: phases, maxConcurrent: maxConcurrent) }
        reloadState = "last reload ok"
        configLoadedAt = Date()
        let change = "\(after.subtracting(previous).count) added, \(previous.subtracting(after).count) removed"
        logger.notice(
            "config reloaded: \(after.count) terminals (\(change))",
            metadata: [JournalField.messageID: "\(MessageID.reloadApplied)", "CONFIG_FILE": "\(options.configPath)"]
        )
        return ReloadView(applied: true, errors: [], terminals: candidate.terminals.count)
    }
}
