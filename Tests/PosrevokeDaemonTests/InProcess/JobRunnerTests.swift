import Foundation
import GRDB
import Logging
import PosrevokeCore
import Synchronization
import Testing

@testable import PosrevokeDaemon

/// The job runner without a process: an in-memory store, a driver that counts its calls, the manual platform.
@Suite("Job runner, in process", .serialized)
struct JobRunnerTests {
    /// A terminal driver that answers every command at once and counts each call by name and terminal.
    final class CountingDriver: TerminalDriver {
        private let calls = Mutex<[String: Int]>([:])

        func count(_ name: String, _ terminal: String) -> Int { calls.withLock { $0["\(name) \(terminal)"] ?? 0 } }
        private func called(_ name: String, _ terminal: Terminal) {
            calls.withLock { $0["\(name) \(terminal.id)", default: 0] += 1 }
        }

        func status(of terminal: Terminal) async throws -> TerminalStatus { throw DriverError.unsupported("status") }
        func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
            called("transactions", terminal)
            return TransactionPage(transactions: [], nextAfter: cursor)
        }
        func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
            FeedbackPage(feedback: [], nextAfter: cursor)
        }
        func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {
            called("setCreditPay", terminal)
        }
        func showNotice(id: String, text: String, on terminal: Terminal) async throws { called("showNotice", terminal) }
        func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {
            called("pushUpdate", terminal)
        }
        func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? { nil }
        func selftest(on terminal: Terminal) async throws -> SelftestResult {
            throw DriverError.unsupported("selftest")
        }
        func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]? {
            called("openOrders", terminal)
            return nil
        }
    }

    @Test("a plan runs each terminal's steps once, records the cutover, and stops at the manual platform's gate")
    func plan() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("posrevoke-runner-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            platform: {providers: {wechat-payscore: manual}}
            plans:
              - {id: p, providers: [wechat-payscore], waves: {canary: 2, size: 2, soak: 1s}}
            terminals:
              - {id: t-1, store: s-1, driver: agent, url: "http://127.0.0.1:9/", providers: {wechat-payscore: {state: active}}}
              - {id: t-2, store: s-1, driver: agent, url: "http://127.0.0.1:9/", providers: {wechat-payscore: {state: active}}}
            """
        let config = try ConfigParser.parse(yaml: yaml)
        let clock = SystemClock()
        let logger = Logger(label: "test")
        let parts = try InMemoryEngine(config, clock: clock, logger: logger)
        let (engine, store) = (parts.engine, parts.store)
        let driver = CountingDriver()
        let runner = try JobRunner(
            config: config,
            store: store,
            engine: engine,
            drivers: ["agent": driver],
            platforms: [.wechatPayscore: ManualPlatform(provider: .wechatPayscore)],
            backups: Backups(stateDirectory: directory),
            clock: clock,
            logger: logger
        )
        runner.start()
        let end = ContinuousClock.now.advanced(by: .seconds(20))
        var jobs: [Job] = []
        while ContinuousClock.now < end {
            jobs = runner.sync { $0.jobList(plan: "p", status: nil) }
            if jobs.count == 2, jobs.allSatisfy({ $0.status == .gated }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(jobs.map(\.status) == [.gated, .gated])
        #expect(jobs.map(\.step) == [.cancelOrders, .cancelOrders])
        #expect(jobs.allSatisfy { ($0.gate ?? "").contains("merchant portal") })
        for terminal in ["t-1", "t-2"] {
            #expect(driver.count("setCreditPay", terminal) == 1, "close-service called once on \(terminal)")
            #expect(driver.count("showNotice", terminal) == 1, "the notice shown once on \(terminal)")
            #expect(driver.count("pushUpdate", terminal) == 0)
        }
        // The cutover is recorded and handed to the engine, which now judges the terminals against it.
        try await Task.sleep(for: .milliseconds(100))
        let states = engine.sync { engine in
            ["t-1", "t-2"].map { engine.terminal($0)?.providers[.wechatPayscore]?.state }
        }
        #expect(states == [.cancelled, .cancelled])
        let stored = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM cutover") }
        #expect(stored == 2)
    }
}
