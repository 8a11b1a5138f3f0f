public import Foundation
public import PosrevokeCore
import Synchronization

/// PAXSTORE's third-party-system open API, played for the daemon's TMS driver: the config's terminals with their
/// installed apps, push tasks that a terminal picks up after `task_delay` (or never, when it is `offline`), and
/// the parts of the real service that a client must survive: a fixed-window rate limit with its headers, the key
/// locked after 20 authentication failures, and injected 429s, 500s and answers lost after their effect.
///
/// A finished parameter push switches the fleet's credit-score pay through `SimulatedFleet.setCreditPay`, so the
/// terminals' own agents and counters show what the TMS did. Pushes and uninstalls are counted in the simulation
/// store per terminal (`tms-params`, `tms-app`, `tms-uninstall`), so tests can prove each took effect once.
public final class SimulatedPaxstore: Sendable {
    /// The payment app every simulated terminal runs, and the only one pushes may name.
    public static let paymentPackage = "com.posrevoke.sim.pay"
    public static let resellerName = "posrevoke-sim"
    /// The version every installed app starts at.
    public static let initialVersion = "1.0.0"

    /// One answer: HTTP status (0: close the connection without answering), JSON body and extra headers.
    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
        public var headers: [(name: String, value: String)]
    }

    /// What the simulated TMS saw, for tests and the simulator's exit line.
    public struct Stats: Codable, Sendable, Equatable {
        public var requests = 0
        public var maxRequestsInAWindow = 0
        /// Requests refused with 429 because the window's limit was spent.
        public var overLimit = 0
        /// 429s drawn by `throttle_share` within the limit.
        public var injectedThrottles = 0
        public var serverErrors = 0
        /// POSTs executed and then answered with nothing.
        public var lost = 0
        public var authFailures = 0
        public var locked = false
        /// Requests refused because the key was locked, however well signed.
        public var lockedRefusals = 0
        public var tasksCreated = 0
        /// Pushes answered 2022 or 2023.
        public var duplicatePushes = 0

        public init() {}
    }

    let world: Mutex<PaxstoreWorld>
    let fleet: SimulatedFleet
    let settings: TMSSimulationConfig
    let seed: UInt64
    let accessKey: String
    let secret: String

    /// A TMS that knows `terminals` and changes `fleet`; requests must be signed with `secret` for `accessKey`.
    public init(
        simulation: SimulationSection,
        terminals: [Terminal],
        fleet: SimulatedFleet,
        accessKey: String,
        secret: String
    ) {
        settings = simulation.tms
        seed = simulation.seed
        self.fleet = fleet
        self.accessKey = accessKey
        self.secret = secret
        world = Mutex(PaxstoreWorld(terminals: terminals, settings: simulation.tms))
    }

    /// The serial number the TMS knows a terminal by: the configured one, or one made from its id in the
    /// characters a `serial_no` may hold, so the simulator's inventory reads back into a daemon config.
    public static func serialNo(of terminal: Terminal) -> String {
        if let serial = terminal.serialNo { return serial }
        let id = terminal.id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "-" }
        return String(("SN-" + String(id)).prefix(64))
    }

    /// The plugin that carries `provider`'s credit-score pay on a simulated terminal.
    public static func pluginPackage(for provider: CreditProvider) -> String {
        "com.posrevoke.sim.\(provider.rawValue).plugin"
    }

    /// Applies the effects of the push tasks that terminals have picked up by `now`, each once. Called at every
    /// request and by a timer, so an effect lands on time even when nobody asks about its task.
    public func settle(now: Date) {
        world.withLock { $0.settle(now: now, fleet: fleet) }
    }

    public func stats(now: Date) -> Stats {
        world.withLock { world in
            var stats = world.stats
            stats.locked = world.gate.isLocked(now: now)
            return stats
        }
    }

    /// The stats as one line of JSON.
    public func statsJSON(now: Date) -> String {
        String(decoding: (try? PaxstoreWire.encoder.encode(stats(now: now))) ?? Data(), as: UTF8.self)
    }
}
