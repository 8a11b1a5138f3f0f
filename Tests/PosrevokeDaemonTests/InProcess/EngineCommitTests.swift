import Foundation
import GRDB
import Logging
import PosrevokeCore
import Synchronization
import Testing

@testable import PosrevokeDaemon

/// The engine's commit path without a process: an in-memory store, a clock the test sets, poll results handed in.
@Suite("Engine commit path, in process")
struct EngineCommitTests {
    let cutover = Date(timeIntervalSince1970: 1_767_225_600)  // TestConfig.cutover

    struct Harness {
        let engine: Engine
        let store: StateStore
        let inventory: Inventory
        let clock: ManualClock
        let committed: AsyncStream<[String]>
    }

    func harness(terminals: [String]) throws -> Harness {
        let config = try ConfigParser.parse(yaml: TestConfig.yaml(terminals: terminals))
        let clock = ManualClock(cutover.addingTimeInterval(86400))
        let parts = try InMemoryEngine(config, clock: clock)
        let (engine, store, inventory) = (parts.engine, parts.store, parts.inventory)
        let (stream, continuation) = AsyncStream.makeStream(of: [String].self)
        engine.sync { $0.onCommitted = { continuation.yield($0) } }
        return Harness(engine: engine, store: store, inventory: inventory, clock: clock, committed: stream)
    }

    func payment(_ seq: Int64, _ id: String, at time: Date, method: PaymentMethod = .creditScorePay) -> Transaction {
        Transaction(
            seq: seq,
            id: id,
            time: time,
            method: method,
            provider: method == .creditScorePay ? "wechat-payscore" : nil,
            amountMinor: 1200,
            currency: "CNY",
            outcome: .approved,
            errorCode: nil
        )
    }

    func count(_ store: StateStore, _ sql: String) throws -> Int {
        try store.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test("one batch commits transactions, cursors, the alert and its outbox row together, then frees its polls")
    func batch() async throws {
        let h = try harness(terminals: ["t-1", "t-2"])
        let paid = h.clock.now().addingTimeInterval(-60)
        h.engine.submit(
            PollResult(
                terminal: "t-1",
                page: .success(
                    TransactionPage(
                        transactions: [payment(1, "a", at: paid), payment(2, "b", at: paid, method: .card)],
                        nextAfter: 2
                    )
                )
            )
        )
        h.engine.submit(PollResult(terminal: "t-2", page: .failure(PollFailure(reason: "connection refused"))))
        var batches = h.committed.makeAsyncIterator()
        let durable = await batches.next()
        #expect(Set(durable ?? []) == ["t-1", "t-2"], "both results in one commit")

        #expect(try count(h.store, "SELECT COUNT(*) FROM txn") == 2)
        #expect(try count(h.store, "SELECT next_after FROM cursor WHERE terminal_id = 't-1'") == 2)
        #expect(h.inventory.cursor("t-1") == 2)
        let firing = h.engine.sync { $0.firingKeys }
        #expect(firing.map(\.kind) == [.lingeringCreditPay] && firing.map(\.terminal) == ["t-1"])
        #expect(try count(h.store, "SELECT COUNT(*) FROM outbox") >= 1, "the alert's announcement waits in the outbox")
        let counters = h.engine.published.withLock { $0 }
        #expect(counters.commits == 1 && counters.transactions == 2 && counters.failedPolls == 1)
    }

    @Test("a page delivered again adds nothing: duplicates are counted, the alert is not raised twice")
    func duplicates() async throws {
        let h = try harness(terminals: ["t-1"])
        let paid = h.clock.now().addingTimeInterval(-60)
        let page = TransactionPage(transactions: [payment(1, "a", at: paid)], nextAfter: 1)
        var batches = h.committed.makeAsyncIterator()
        h.engine.submit(PollResult(terminal: "t-1", page: .success(page)))
        _ = await batches.next()
        let outbox = try count(h.store, "SELECT COUNT(*) FROM outbox")
        h.engine.submit(PollResult(terminal: "t-1", page: .success(page)))
        _ = await batches.next()
        #expect(try count(h.store, "SELECT COUNT(*) FROM txn") == 1)
        #expect(try count(h.store, "SELECT COUNT(*) FROM outbox") == outbox)
        let counters = h.engine.published.withLock { $0 }
        #expect(counters.commits == 2 && counters.transactions == 1 && counters.duplicates == 1)
    }

    @Test("a result for a terminal no longer in the inventory is dropped, and its poll is still freed")
    func unknownTerminal() async throws {
        let h = try harness(terminals: ["t-1"])
        var batches = h.committed.makeAsyncIterator()
        let page = TransactionPage(transactions: [payment(1, "a", at: h.clock.now())], nextAfter: 1)
        h.engine.submit(PollResult(terminal: "gone", page: .success(page)))
        #expect(await batches.next() == ["gone"])
        #expect(try count(h.store, "SELECT COUNT(*) FROM txn") == 0)
    }
}
