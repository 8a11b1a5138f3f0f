import GRDB
import Logging
import PosrevokeCore

@testable import PosrevokeDaemon

/// An engine for in-process tests: an in-memory store, and the inventory filled from the config.
struct InMemoryEngine {
    let engine: Engine
    let store: StateStore
    let inventory: Inventory

    init(_ config: DaemonConfig, clock: any WallClock, logger: Logger = Logger(label: "test")) throws {
        store = try StateStore(writer: DatabaseQueue())
        inventory = Inventory()
        inventory.replace(config.terminals)
        engine = Engine(
            config: config,
            store: store,
            snapshot: try store.loadSnapshot(),
            inventory: inventory,
            clock: clock,
            logger: logger
        )
    }
}
