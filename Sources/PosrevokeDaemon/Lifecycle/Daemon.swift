import AsyncHTTPClient
import Dispatch
import Foundation
public import Logging
import PosrevokeControl
import PosrevokeCore
import PosrevokeSimulation
import PosrevokeSystemd
import Synchronization

/// The running daemon: wires config, store, drivers, scheduler, engine and journal together, and owns the
/// process lifecycle (readiness, reload, watchdog, graceful stop).
///
/// Everything below runs on `loop`, the poll loop's serial queue, except commits, which run on the engine's.
public final class Daemon: @unchecked Sendable {
    let loop = DispatchQueue(label: "posrevoke.loop")
    let options: DaemonOptions
    let logger: Logger
    let clock: SystemClock
    private(set) var config: DaemonConfig {
        didSet { simulatedCount = Self.simulated(config) }
    }
    /// How many terminals are simulated, for the start-up warning and every `STATUS=` (counted once per config).
    private var simulatedCount = 0
    /// Held for the life of the process: no second daemon runs on the same state.
    private let lock: StateLock
    let store: StateStore
    let inventory = Inventory()
    private let fleet: SimulatedFleet
    private let platform: SimulatedPlatform
    let engine: Engine
    let runner: JobRunner
    let backups: Backups
    let digests: Digests
    private let httpClient: HTTPClient
    /// The platform adapters' client lives as long as the process: an `HTTPClient` must never be dropped without
    /// a shutdown, and a daemon that fails to start would drop it.
    private static let platformClient = HTTPClient.forPlatforms()
    private var control: ControlServer?
    let scheduler: PollScheduler
    private var pollers: [String: Poller] = [:]
    private var signalSources: [any DispatchSourceSignal] = []
    private var timers: [any DispatchSourceTimer] = []
    private var reloadState = "last reload ok"
    private var watchdogInterval: UInt64?
    /// When WATCHDOG=1 was last sent; only touched on the watchdog's queue.
    private var lastPing = Date.distantPast
    /// When the poll loop last turned; the watchdog's own queue reads it.
    private let loopTurn = Mutex<Date?>(nil)
    private let watchdogQueue = DispatchQueue(label: "posrevoke.watchdog")
    /// The part the watchdog last found stalled, so each stall is logged once (watchdog queue only).
    private var reportedStall: DaemonPart?
    private var stopping = false

    /// Loads config and state and builds every part; nothing runs until `run()`.
    public init(options: DaemonOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        self.clock = SystemClock()
        config = try ConfigParser.load(path: options.configPath)
        simulatedCount = Self.simulated(config)
        let directory = StatePaths.stateDirectory(flag: options.stateDirectory, config: config)
        lock = try StateLock(directory: directory)
        store = try StateStore(directory: directory)
        let snapshot = try store.loadSnapshot()
        for row in snapshot.quarantined { JobRunner.announce(row, logger: logger) }
        // The embedded simulators keep their own durable state, as a real platform and real terminals would.
        let simulation = try SimulationStore(path: (directory as NSString).appendingPathComponent("simulation.sqlite"))
        fleet = SimulatedFleet(
            simulation: config.simulation,
            terminals: config.terminals,
            start: try simulation.fleetStart(orRecord: clock.now()),
            store: simulation
        )
        platform = SimulatedPlatform(settings: config.platform.simulation, store: simulation)
        backups = Backups(stateDirectory: directory)
        httpClient = HTTPClient.forAgents(
            maxConnectionsPerHost: config.polling.maxConcurrent,
            readTimeout: config.polling.timeout
        )
        inventory.replace(config.terminals)
        engine = Engine(
            config: config,
            store: store,
            snapshot: snapshot,
            inventory: inventory,
            clock: clock,
            logger: logger
        )
        scheduler = PollScheduler(queue: loop, clock: clock, maxConcurrent: config.polling.maxConcurrent)
        do {
            runner = try JobRunner(
                config: config,
                store: store,
                engine: engine,
                drivers: Self.drivers(
                    fleet: fleet,
                    clock: clock,
                    client: httpClient,
                    timeout: config.polling.timeout,
                    commandLatency: config.simulation.scenario.commandLatency
                ),
                platforms: Self.platforms(config, platform: platform, client: Self.platformClient, clock: clock),
                backups: backups,
                clock: clock,
                logger: logger
            )
        } catch {
            // The agents' client must be shut down before it is dropped, or AsyncHTTPClient traps.
            try? httpClient.syncShutdown()
            throw error
        }
        digests = Digests(store: store, engine: engine, runner: runner, clock: clock, logger: logger)
        // Ping every half of WATCHDOG_USEC; the loop turns at least four times per ping interval.
        watchdogInterval = ServiceNotifier.watchdogTimeoutMicroseconds().map { $0 * 1000 / 2 }
        scheduler.heartbeat = min(1_000_000_000, (watchdogInterval ?? 4_000_000_000) / 4)
        rebuildPollers()
        let loaded =
            "\(snapshot.cursors.count) cursors, \(snapshot.alerts.count) alerts, "
            + "\(snapshot.outboxCount) unsent announcements"
        logger.info("state store \(store.path): \(loaded)")
    }

    /// Starts polling, reports READY=1 once the signal handlers are live, and never returns.
    public func run() -> Never {
        engine.onCommitted = { [loop, scheduler] terminals in
            loop.async { for terminal in terminals { scheduler.completed(terminal) } }
        }
        signalSources = Signals.install(
            [
                SIGHUP: { [unowned self] in self.reload() },
                SIGTERM: { [unowned self] in self.stop(signal: "SIGTERM") },
                SIGINT: { [unowned self] in self.stop(signal: "SIGINT") },
            ],
            on: loop
        )
        guard Signals.waitUntilCaught([SIGHUP, SIGTERM, SIGINT]) else {
            logger.critical("signal handlers did not become active; refusing to report ready")
            exit(1)
        }
        scheduler.onLoopTurn = { [unowned self] in
            let now = self.clock.now()
            self.loopTurn.withLock { $0 = now }
        }
        if let interval = watchdogInterval {
            every(.nanoseconds(Int64(interval / 4)), on: watchdogQueue) { [unowned self] in self.feedWatchdog() }
        }
        let socket = options.controlSocket ?? ControlCoding.defaultSocketPath()
        do {
            control = try ControlServer(path: socket) { [unowned self] request, peer in self.handle(request, peer: peer)
            }
        } catch {
            logger.critical("cannot open the control socket: \(error)")
            exit(1)
        }
        runner.start()
        loop.checkedSync { scheduler.reconcile(intervals: intervals(), maxConcurrent: config.polling.maxConcurrent) }
        scheduler.start { [unowned self] launch in self.startPoll(launch) }
        every(.seconds(1), on: engine.queue) { [engine, clock] in
            engine.evaluateAll()
            engine.evaluateFeedbackIfDue()
            engine.announce(now: clock.now())
        }
        every(.seconds(5), on: digests.queue) { [digests] in digests.runIfDue() }
        every(config.daemon.statusInterval, on: loop) { [unowned self] in self.publishStatus() }
        every(.seconds(30), on: loop) { [unowned self] in self.reportJournalDrops() }
        every(.seconds(600), on: loop) { [unowned self] in self.logStatistics() }
        loop.checkedSync {
            logger.notice(
                "posrevoked ready: polling \(config.terminals.count) terminals",
                metadata: [
                    JournalField.messageID: "\(MessageID.daemonReady)", "TERMINAL_COUNT": "\(config.terminals.count)",
                    "READY_MONOTONIC_USEC": "\(Signals.monotonicMicroseconds())",
                ]
            )
            let simulated = simulatedCount
            if simulated > 0 {
                let what = "transactions, alerts and jobs are a demonstration, not a real fleet"
                logger.warning(
                    "\(simulated) of \(config.terminals.count) terminals are simulated (driver: simulated): their \(what)",
                    metadata: ["SIMULATED_COUNT": "\(simulated)"]
                )
            }
            // The ready entry reaches the journal before systemd hears READY=1, so the journal's order is true.
            JournalQueue.shared.flush(timeout: 1)
            ServiceNotifier.send("READY=1\nSTATUS=\(statusLine().text)")
        }
        dispatchMain()
    }

    // MARK: Polling

    private func startPoll(_ launch: PollTimetable.Launch) {
        guard let terminal = inventory.terminal(launch.terminal), let poller = pollers[terminal.driver] else {
            scheduler.completed(launch.terminal)
            return
        }
        if inventory.shouldPassOver(terminal.id, threshold: config.detection.terminalUnreachable.consecutiveFailures) {
            scheduler.completed(launch.terminal)
            return
        }
        let cursor = inventory.cursor(terminal.id)
        let feedbackCursor = inventory.feedbackCursorIfDue(
            terminal.id,
            now: clock.nanoseconds(),
            interval: config.feedback.pollInterval
        )
        let engine = self.engine
        let inventory = self.inventory
        Task {
            let result = await poller.poll(terminal, after: cursor, feedbackAfter: feedbackCursor)
            inventory.recordPoll(terminal.id, succeeded: (try? result.page.get()) != nil)
            engine.submit(result)
        }
    }

    private func rebuildPollers() {
        pollers = drivers().mapValues {
            var poller = Poller(driver: $0, timeout: config.polling.timeout, pageLimit: config.polling.pageLimit)
            poller.feedbackPageLimit = config.feedback.pageLimit
            return poller
        }
        inventory.clearFeedbackUnsupported()
    }

    /// One driver per `driver:` value. The agent driver shares one pooled HTTP client for the daemon's life.
    private func drivers() -> [String: any TerminalDriver] {
        Self.drivers(
            fleet: fleet,
            clock: clock,
            client: httpClient,
            timeout: config.polling.timeout,
            commandLatency: config.simulation.scenario.commandLatency
        )
    }

    private static func drivers(
        fleet: SimulatedFleet,
        clock: SystemClock,
        client: HTTPClient,
        timeout: Duration,
        commandLatency: Duration
    ) -> [String: any TerminalDriver] {
        [
            "simulated": SimulatedDriver(fleet: fleet, clock: clock, commandLatency: commandLatency),
            "agent": AgentDriver(client: client, timeout: timeout),
        ]
    }

    private static func platforms(
        _ config: DaemonConfig,
        platform: SimulatedPlatform,
        client: HTTPClient,
        clock: SystemClock
    )
        -> [CreditProvider: any PaymentPlatform]
    {
        Dictionary(
            uniqueKeysWithValues: CreditProvider.allCases.map { provider in
                switch config.platform.providers[provider] ?? .simulated {
                case .simulated:
                    (provider, SimulatedPlatformAdapter(platform: platform, clock: clock) as any PaymentPlatform)
                case .http:
                    // The reader guarantees the section; a provider without one would never get here.
                    config.platform.http[provider].map {
                        (provider, HTTPPlatform(provider: provider, config: $0, client: client, timeout: .seconds(10)))
                    } ?? (provider, ManualPlatform(provider: provider))
                case .manual: (provider, ManualPlatform(provider: provider) as any PaymentPlatform)
                }
            }
        )
    }

    private func intervals() -> [String: Duration] {
        Dictionary(uniqueKeysWithValues: config.terminals.map { ($0.id, $0.pollInterval) })
    }

    // MARK: Reload

    /// parse → validate → build → swap. An invalid file leaves everything as it was.
    @discardableResult
    func reload() -> ReloadView {
        dispatchPrecondition(condition: .onQueue(loop))
        guard !stopping else { return ReloadView(applied: false, errors: ["the daemon is stopping"], terminals: 0) }
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
        let before = Set(config.terminals.map(\.id))
        let after = Set(candidate.terminals.map(\.id))
        config = candidate
        fleet.reconfigure(simulation: candidate.simulation, terminals: candidate.terminals)
        platform.reconfigure(candidate.platform.simulation)
        inventory.replace(candidate.terminals)
        rebuildPollers()
        engine.queue.checkedSync { engine.apply(candidate) }
        runner.apply(
            candidate,
            drivers: drivers(),
            platforms: Self.platforms(candidate, platform: platform, client: Self.platformClient, clock: clock)
        )
        scheduler.reconcile(intervals: intervals(), maxConcurrent: candidate.polling.maxConcurrent)
        reloadState = "last reload ok"
        let change = "\(after.subtracting(before).count) added, \(before.subtracting(after).count) removed"
        logger.notice(
            "config reloaded: \(after.count) terminals (\(change))",
            metadata: [JournalField.messageID: "\(MessageID.reloadApplied)", "CONFIG_FILE": "\(options.configPath)"]
        )
        return ReloadView(applied: true, errors: [], terminals: candidate.terminals.count)
    }

    // MARK: Status and watchdog

    func statusLine() -> StatusLine {
        let stats = scheduler.snapshot()
        let engineStats = engine.published.withLock { $0 }
        return StatusLine(
            terminals: stats.terminals,
            firing: engineStats.firing,
            reload: reloadState,
            skipped: stats.counters.skippedBusy + stats.counters.skippedLate,
            dropped: JournalQueue.shared.droppedCount,
            storeFailures: engineStats.failedCommits,
            unwritten: engineStats.unwritten,
            journalError: Self.journalError(JournalQueue.shared.durableStatus),
            simulated: simulatedCount
        )
    }

    private static func simulated(_ config: DaemonConfig) -> Int {
        config.terminals.filter { $0.driver == "simulated" }.count
    }

    /// Why alert entries are not being written, for `STATUS=`: the errno's name and since when.
    static func journalError(_ status: JournalQueue.DurableStatus) -> String? {
        guard let since = status.failingSince else { return nil }
        let name = String(cString: strerror(-status.lastError))
        return "\(name) since \(since.formatted(.iso8601.time(includingFractionalSeconds: false)))"
    }

    private func publishStatus() {
        guard !stopping else { return }
        ServiceNotifier.send("STATUS=\(statusLine().text)")
    }

    /// Pings systemd four times per ping interval, from a queue of its own, while every part that must make
    /// progress does: the poll loop turns, and no commit, job-runner turn or journal write has been stuck for
    /// longer than a ping interval. A stall is logged once, and put in `STATUS=`; so is the recovery.
    private func feedWatchdog() {
        guard let interval = watchdogInterval else { return }
        let now = clock.now()
        let inputs = StallCheck.Inputs(
            pollLoopLastTurn: loopTurn.withLock { $0 },
            engineBusySince: engine.published.withLock { $0.busySince },
            jobRunnerBusySince: runner.busySince.withLock { $0 },
            // Set while the writer works on a turn; a journald that refuses entries does not count (the writer backs
            // off and retries), one that blocks the writer for good does.
            journalWriterBusySince: JournalQueue.shared.busySince
        )
        switch StallCheck(limit: Double(interval) / 1e9).verdict(inputs, now: now) {
        case .ping:
            // Checked four times per ping interval, sent once per interval (half of WATCHDOG_USEC).
            if now.timeIntervalSince(lastPing) >= Double(interval) / 1e9 * 0.9 {
                lastPing = now
                ServiceNotifier.send("WATCHDOG=1")
            }
            if let part = reportedStall {
                reportedStall = nil
                logger.notice(
                    "the \(part.rawValue) makes progress again; feeding the watchdog again",
                    metadata: [JournalField.messageID: "\(MessageID.watchdogWithheld)", "STALLED_PART": "none"]
                )
                loop.async { self.publishStatus() }
            }
        case .stalled(let part, let since):
            guard reportedStall != part else { return }
            reportedStall = part
            let seconds = Int(now.timeIntervalSince(since))
            logger.critical(
                "the \(part.rawValue) has made no progress for \(seconds) s; no longer feeding the watchdog",
                metadata: [
                    JournalField.messageID: "\(MessageID.watchdogWithheld)", "STALLED_PART": "\(part.rawValue)",
                    "STALLED_SINCE": "\(since.formatted(.iso8601))",
                ]
            )
            // STATUS= reaches systemd even when the journal writer is the part that stalled.
            ServiceNotifier.send("STATUS=watchdog withheld: the \(part.rawValue) stalled \(seconds) s ago")
        }
    }

    /// Scheduler and engine figures every ten minutes, so lateness and skips are visible in the journal.
    private func logStatistics() {
        let stats = scheduler.snapshot()
        let engineStats = engine.published.withLock { $0 }
        let ms = { (ns: UInt64) in String(format: "%.1f", Double(ns) / 1e6) }
        let summary =
            "\(stats.counters.launched) polls, \(stats.counters.skippedBusy + stats.counters.skippedLate) skipped, "
            + "lateness p50 \(ms(stats.latenessP50)) ms p99 \(ms(stats.latenessP99)) ms"
        logger.info(
            "statistics: \(summary)",
            metadata: [
                JournalField.messageID: "\(MessageID.daemonStatistics)",
                "TERMINAL_COUNT": "\(stats.terminals)",
                "POLLS_LAUNCHED": "\(stats.counters.launched)",
                "POLLS_SKIPPED_BUSY": "\(stats.counters.skippedBusy)",
                "POLLS_SKIPPED_LATE": "\(stats.counters.skippedLate)",
                "POLLS_FAILED": "\(engineStats.failedPolls)",
                "POLLS_BACKED_OFF": "\(inventory.backedOffCount)",
                "LATENESS_P50_MS": "\(ms(stats.latenessP50))",
                "LATENESS_P99_MS": "\(ms(stats.latenessP99))",
                "LATENESS_MAX_MS": "\(ms(stats.counters.maxLatenessNanoseconds))",
                "TRANSACTIONS_STORED": "\(engineStats.transactions)",
                "TRANSACTIONS_DUPLICATE": "\(engineStats.duplicates)",
                "FEEDBACK_STORED": "\(engineStats.feedback)",
                "FEEDBACK_DUPLICATE": "\(engineStats.feedbackDuplicates)",
                "FEEDBACK_FAILED": "\(engineStats.feedbackFailures)",
                "FEEDBACK_REJECTED": "\(engineStats.feedbackRejected)",
                "FUTURE_TIMES_CLAMPED": "\(engineStats.futureTimesClamped)",
                "ALERTS_FIRING": "\(engineStats.firing)",
                "ALERTS_COALESCED": "\(engine.queue.checkedSync { engine.announcer.suppressedTotal })",
                "ALERTS_SILENCED": "\(engineStats.silenced)",
                "JOURNAL_DROPPED": "\(JournalQueue.shared.droppedCount)",
            ]
        )
    }

    private func reportJournalDrops() {
        let dropped = JournalQueue.shared.takeUnreportedDrops()
        guard dropped > 0 else { return }
        logger.warning(
            "\(dropped) journal entries were dropped because journald did not keep up",
            metadata: [JournalField.messageID: "\(MessageID.journalDropped)", "DROPPED_COUNT": "\(dropped)"]
        )
    }

    // MARK: Stop

    /// Stops polling, waits briefly for running polls to commit, writes what is queued, and exits 0.
    func stop(signal: String) {
        dispatchPrecondition(condition: .onQueue(loop))
        guard !stopping else { return }
        stopping = true
        ServiceNotifier.send("STOPPING=1\nSTATUS=stopping (\(signal))")
        logger.notice(
            "stopping on \(signal)",
            metadata: [JournalField.messageID: "\(MessageID.daemonStopping)", "SIGNAL": "\(signal)"]
        )
        scheduler.stop()
        control?.close()
        let deadline = clock.nanoseconds() + 5_000_000_000
        waitForPolls(until: deadline)
    }

    private func waitForPolls(until deadline: UInt64) {
        if scheduler.runningCount > 0 && clock.nanoseconds() < deadline {
            loop.asyncAfter(deadline: .now() + .milliseconds(20)) { self.waitForPolls(until: deadline) }
            return
        }
        engine.queue.checkedSync {
            engine.evaluateAll()
            engine.announce(now: clock.now().addingTimeInterval(3600))
        }
        // Alert entries journald does not take now stay in the outbox and are written after the restart.
        JournalQueue.shared.flush(timeout: 3)
        exit(0)
    }

    private func every(_ interval: Duration, on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let ms = Int(interval.milliseconds)
        timer.schedule(
            deadline: .now() + .milliseconds(ms),
            repeating: .milliseconds(ms),
            leeway: .milliseconds(ms / 10)
        )
        timer.setEventHandler(handler: work)
        timer.resume()
        timers.append(timer)
    }
}
