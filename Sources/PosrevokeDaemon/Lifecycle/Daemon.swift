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
/// The parts it wires are actors (engine, job runner, poll scheduler) or lock-protected (inventory, watchdog).
///
/// `@unchecked Sendable` because of its own few `var`s (config, launcher, phase, reload state, timers), which are
/// set once in `init`/`run()` before any queue starts, and afterwards only on `loop`: signal handlers, reload,
/// stop and status run there, and the control handler reaches them through `loop.checkedSync`. It is the
/// composition root and lives for the whole process.
public final class Daemon: @unchecked Sendable {
    let loop = DispatchQueue(label: "posrevoke.loop")
    /// The loop as an actor executor: the poll scheduler is isolated to it.
    let loopExecutor: QueueExecutor
    let options: DaemonOptions
    let logger: Logger
    let clock: SystemClock
    var config: DaemonConfig {
        didSet { simulatedCount = Self.simulated(config) }
    }
    /// How many terminals are simulated, for the start-up warning and every `STATUS=` (counted once per config).
    private(set) var simulatedCount = 0
    /// Held for the life of the process: no second daemon runs on the same state.
    private let lock: StateLock
    let store: StateStore
    let inventory = Inventory()
    let fleet: SimulatedFleet
    let platform: SimulatedPlatform
    let engine: Engine
    let runner: JobRunner
    let backups: Backups
    let digests: Digests
    let bills: TradeBills
    /// The platform's callback listener, when `callbacks.listen` was set at start (a change takes a restart).
    let callbacks: CallbackListener?
    let httpClient: HTTPClient
    /// The platform adapters' client lives as long as the process: an `HTTPClient` must never be dropped without
    /// a shutdown, and a daemon that fails to start would drop it.
    static let platformClient = HTTPClient.bounded(readTimeout: .seconds(10))
    var control: ControlServer?
    let scheduler: PollScheduler
    /// Rebuilt at every reload (poll loop only).
    var launcher: PollLauncher
    var watchdog: Watchdog?
    private var signalSources: [any DispatchSourceSignal] = []
    var timers: [any DispatchSourceTimer] = []
    var reloadState = "last reload ok"
    /// When the config in force was read (at start or by the last reload applied); loop only.
    var configLoadedAt = Date()
    /// With `metrics.listen`: polls record into it as they finish; `/metrics` reads the rest when scraped.
    let metrics: DaemonMetrics?
    /// Poll loop only.
    var phase = DaemonPhase.starting

    /// Loads config and state and builds every part; nothing runs until `run()`.
    public init(options: DaemonOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        self.clock = SystemClock()
        loopExecutor = QueueExecutor(queue: loop)
        config = try ConfigParser.load(path: options.configPath)
        simulatedCount = Self.simulated(config)
        let metrics = config.metrics.listen == nil ? nil : DaemonMetrics()
        self.metrics = metrics
        let directory = StatePaths.stateDirectory(flag: options.stateDirectory, config: config)
        lock = try StateLock(directory: directory)
        store = try StateStore(directory: directory)
        let snapshot = try store.loadSnapshot()
        for row in snapshot.quarantined { row.announce(to: logger) }
        // The embedded simulators keep their own durable state, as a real platform and real terminals would.
        let simulation = try SimulationStore(path: (directory as NSString).appendingPathComponent("simulation.sqlite"))
        fleet = SimulatedFleet(
            simulation: config.simulation,
            terminals: DriverFactory.simulatedTerminals(config.terminals),
            start: try simulation.fleetStart(orRecord: clock.now()),
            store: simulation
        )
        platform = SimulatedPlatform(settings: config.platform.simulation, store: simulation)
        backups = Backups(stateDirectory: directory)
        httpClient = HTTPClient.bounded(
            readTimeout: config.polling.timeout,
            maxConnectionsPerHost: config.polling.maxConcurrent
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
        scheduler = PollScheduler(executor: loopExecutor, clock: clock, maxConcurrent: config.polling.maxConcurrent)
        // One set of drivers for the job runner and the poll launcher.
        let drivers = DriverFactory.drivers(
            fleet: fleet,
            platform: platform,
            clock: clock,
            client: httpClient,
            timeout: config.polling.timeout,
            commandLatency: config.simulation.scenario.commandLatency,
            tms: config.tms
        )
        do {
            runner = try JobRunner(
                config: config,
                store: store,
                engine: engine,
                drivers: drivers,
                platforms: PlatformFactory.platforms(
                    config,
                    platform: platform,
                    client: Self.platformClient,
                    clock: clock
                ),
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
        bills = TradeBills(store: store, engine: engine, runner: runner, clock: clock, logger: logger)
        let (engine, runner, clock) = (engine, runner, clock)
        callbacks = config.callbacks.listen.map {
            CallbackListener(listen: $0, engine: engine, runner: runner, clock: clock, logger: logger)
        }
        launcher = PollLauncher(
            config: config,
            drivers: drivers,
            inventory: inventory,
            engine: engine,
            clock: clock,
            metrics: metrics
        )
        let loaded =
            "\(snapshot.cursors.count) cursors, \(snapshot.alerts.count) alerts, "
            + "\(snapshot.outboxCount) unsent announcements"
        logger.info("state store \(store.path): \(loaded)")
    }

    /// Starts polling, reports READY=1 once the signal handlers are live, and never returns.
    public func run() -> Never {
        engine.sync { [scheduler] engine in
            engine.onCommitted = { terminals in
                scheduler.async { scheduler in for terminal in terminals { scheduler.completed(terminal) } }
            }
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
        startWatchdog()
        let socket = options.controlSocket ?? ControlCoding.defaultSocketPath()
        do {
            control = try ControlServer(path: socket) { [unowned self] request, peer in self.handle(request, peer: peer)
            }
        } catch {
            logger.critical("cannot open the control socket: \(error)")
            exit(1)
        }
        runner.start()
        if let metrics, let listen = config.metrics.listen {
            let endpoint = MetricsEndpoint(
                listener: HTTPListener(
                    listen: listen,
                    name: "Prometheus scrapes at \(MetricsEndpoint.path)",
                    logger: logger
                ),
                metrics: metrics
            ) { [unowned self] in self.metricsSnapshot() }
            Task { [logger] in
                do {
                    try await endpoint.run()
                } catch {
                    logger.critical("cannot serve metrics on \(listen): \(error)")
                    exit(1)
                }
            }
        }
        if let callbacks, let listen = config.callbacks.listen {
            Task { [logger] in
                do {
                    try await callbacks.run()
                } catch {
                    logger.critical("cannot listen for callbacks on \(listen): \(error)")
                    exit(1)
                }
            }
        }
        loop.checkedSync {
            let ((intervals, phases), maxConcurrent) = (timetable(), config.polling.maxConcurrent)
            scheduler.onQueue { $0.reconcile(intervals: intervals, phases: phases, maxConcurrent: maxConcurrent) }
        }
        scheduler.async { [unowned self] in $0.start { launches in self.startPolls(launches) } }
        every(.seconds(1), on: engine.queue) { [engine, clock] in
            engine.onQueue { engine in
                engine.evaluateAll()
                engine.evaluateFeedbackIfDue()
                engine.announce(now: clock.now())
            }
        }
        every(.seconds(5), on: digests.queue) { [digests] in digests.runIfDue() }
        every(.seconds(5), on: bills.queue) { [bills] in bills.runIfDue() }
        every(config.daemon.statusInterval, on: loop) { [unowned self] in self.publishStatus() }
        let statistics = DaemonStatistics(scheduler: scheduler, engine: engine, inventory: inventory, logger: logger)
        every(.seconds(30), on: loop) { statistics.reportJournalDrops() }
        every(.seconds(600), on: loop) { statistics.log() }
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
            phase = .running
            ServiceNotifier.send("READY=1\nSTATUS=\(statusLine().text)")
        }
        dispatchMain()
    }
}
