import PosrevokeCore

/// Starts the poll the timetable hands out: the terminal's driver, its committed cursors, and the result to the
/// engine, whose commit frees the terminal's slot. Rebuilt on every reload; used on the poll loop only.
struct PollLauncher: Sendable {
    private let pollers: [String: Poller]
    private let inventory: Inventory
    private let engine: Engine
    private let clock: SystemClock
    private let unreachableAfter: Int
    private let feedbackInterval: Duration
    private let metrics: DaemonMetrics?
    /// `gateways:`, and the agent driver that asks them (none when no terminal is an agent).
    private let gateways: [String: GatewayConfig]
    private let agent: AgentDriver?
    private let pageLimit: Int

    init(
        config: DaemonConfig,
        drivers: [String: any TerminalDriver],
        inventory: Inventory,
        engine: Engine,
        clock: SystemClock,
        metrics: DaemonMetrics? = nil
    ) {
        self.metrics = metrics
        pollers = drivers.mapValues {
            var poller = Poller(driver: $0, timeout: config.polling.timeout, pageLimit: config.polling.pageLimit)
            poller.feedbackPageLimit = config.feedback.pageLimit
            return poller
        }
        gateways = config.gateways
        agent = drivers[DriverFactory.agent] as? AgentDriver
        pageLimit = config.polling.pageLimit
        self.inventory = inventory
        self.engine = engine
        self.clock = clock
        unreachableAfter = config.detection.terminalUnreachable.consecutiveFailures
        feedbackInterval = config.feedback.pollInterval
    }

    /// Starts a wake-up's polls: a terminal behind a gateway of `gateways:` goes into one batch request with the
    /// gateway's other terminals due now, every other terminal is polled on its own. Returns the terminals with
    /// no poll to start (no longer in the inventory, or passed over while they back off): the caller frees their
    /// slots at once.
    func start(_ launches: [PollTimetable.Launch]) -> Set<String> {
        var idle: Set<String> = []
        var batches: [String: Batch] = [:]
        for launch in launches {
            guard let terminal = inventory.terminal(launch.terminal), let poller = pollers[terminal.driver],
                !inventory.shouldPassOver(terminal.id, threshold: unreachableAfter)
            else {
                idle.insert(launch.terminal)
                continue
            }
            if let name = terminal.gateway, let gateway = gateways[name], let agent {
                batches[name, default: Batch(gateway: gateway, agent: agent, poller: poller)].terminals.append(terminal)
            } else {
                start(terminal, poller)
            }
        }
        for batch in batches.values {
            var rest = batch.terminals[...]
            while !rest.isEmpty {
                start(batch, Array(rest.prefix(GatewayConfig.maxTerminalsPerRequest)))
                rest = rest.dropFirst(GatewayConfig.maxTerminalsPerRequest)
            }
        }
        return idle
    }

    /// A gateway's terminals due in one wake-up, and what asks it.
    private struct Batch {
        var gateway: GatewayConfig
        var agent: AgentDriver
        var poller: Poller
        var terminals: [Terminal] = []
    }

    private func start(_ terminal: Terminal, _ poller: Poller) {
        let cursor = inventory.cursor(terminal.id)
        let feedbackCursor = feedbackCursorIfDue(terminal)
        let done = finisher(terminal, started: clock.nanoseconds())
        poller.poll(terminal, after: cursor, feedbackAfter: feedbackCursor, completion: done)
    }

    /// One request for the new transactions of several terminals behind a gateway; each terminal's poll then
    /// ends as its own would (feedback when due, its own result, failure and backoff).
    private func start(_ batch: Batch, _ terminals: [Terminal]) {
        var cursors: [String: Int64] = [:]
        for terminal in terminals { cursors[terminal.id] = inventory.cursor(terminal.id) }
        let polls = terminals.map { ($0, feedbackCursorIfDue($0), finisher($0, started: clock.nanoseconds())) }
        let (gateway, poller) = (batch.gateway, batch.poller)
        batch.agent.transactions(from: gateway, cursors: cursors, limit: pageLimit) { answer in
            for (terminal, feedbackCursor, done) in polls {
                poller.finish(
                    terminal,
                    page: Self.page(of: terminal.id, in: answer, gateway: gateway.name),
                    feedbackAfter: feedbackCursor,
                    completion: done
                )
            }
        }
    }

    /// One terminal's page out of a gateway's answer, or why there is none, in the words of a poll error.
    private static func page(
        of terminal: String,
        in answer: Result<[String: GatewayOutcome], DriverError>,
        gateway: String
    ) -> Result<TransactionPage, PollFailure> {
        switch answer {
        case .failure(let error): return .failure(PollFailure(reason: "gateway \(gateway): \(error)"))
        case .success(let outcomes):
            switch outcomes[terminal] {
            case .page(let page)?: return .success(page)
            case .refused(let code, let message)?:
                return .failure(PollFailure(reason: "gateway \(gateway): \(code): \(message)"))
            case .invalid(let error)?:
                return .failure(PollFailure(reason: "gateway \(gateway): protocol error: \(error)"))
            case nil:
                return .failure(PollFailure(reason: "gateway \(gateway): protocol error: no answer for the terminal"))
            }
        }
    }

    private func feedbackCursorIfDue(_ terminal: Terminal) -> Int64? {
        inventory.feedbackCursorIfDue(terminal.id, now: clock.nanoseconds(), interval: feedbackInterval)
    }

    /// What every poll does at its end: metrics, the terminal's failure count, and the result to the engine.
    private func finisher(_ terminal: Terminal, started: UInt64) -> @Sendable (PollResult) -> Void {
        let (engine, inventory, metrics, clock) = (self.engine, self.inventory, self.metrics, self.clock)
        return { result in
            let succeeded = (try? result.page.get()) != nil
            metrics?.pollFinished(ok: succeeded, nanoseconds: clock.nanoseconds() &- started)
            inventory.recordPoll(terminal.id, succeeded: succeeded)
            engine.submit(result)
        }
    }
}
