import Foundation
import PosrevokeCore
import Testing

@testable import PosrevokeDaemon

/// One step against a scripted driver, without a runner: what the step concludes from what the driver can see.
@Suite("Step executor, in process")
struct StepExecutorTests {
    /// A driver that cannot uninstall anything and whose status lists `peripherals`, or nothing it can see.
    struct StatusDriver: TerminalDriver {
        var peripherals: [String]
        var detailsKnown: Bool

        func status(of terminal: Terminal) async throws -> TerminalStatus {
            var status = TerminalStatus(
                terminalID: terminal.id,
                model: "test",
                firmware: "",
                time: Date(),
                peripherals: peripherals,
                paymentMethods: []
            )
            status.detailsKnown = detailsKnown
            return status
        }
        func transactions(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> TransactionPage {
            TransactionPage(transactions: [], nextAfter: cursor)
        }
        func feedback(of terminal: Terminal, after cursor: Int64, limit: Int) async throws -> FeedbackPage {
            FeedbackPage(feedback: [], nextAfter: cursor)
        }
        func setCreditPay(_ provider: CreditProvider, enabled: Bool, on terminal: Terminal) async throws {}
        func showNotice(id: String, text: String, on terminal: Terminal) async throws {}
        func pushUpdate(id: String, removing providers: [CreditProvider], on terminal: Terminal) async throws {}
        func updateState(id: String, on terminal: Terminal) async throws -> (state: String, error: String?)? { nil }
        func selftest(on terminal: Terminal) async throws -> SelftestResult { SelftestResult(ok: true, checks: []) }
        func openOrders(_ provider: CreditProvider, on terminal: Terminal) async throws -> [String]? { nil }
    }

    private func removeHardware(with driver: StatusDriver) async throws -> StepOutcome {
        let config = try ConfigParser.parse(
            yaml: """
                terminals:
                  - {id: t-1, store: s-1, driver: agent, url: "http://127.0.0.1:9/"}
                """
        )
        let terminal = try #require(config.terminals.first)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("posrevoke-step-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executor = StepExecutor(
            terminal: terminal,
            driver: driver,
            platform: ManualPlatform(provider: .wechatPayscore),
            backups: Backups(stateDirectory: directory),
            plan: PlanConfig(id: "p"),
            pageLimit: 100
        )
        let job = Job(
            plan: "p",
            terminal: "t-1",
            store: "s-1",
            provider: .wechatPayscore,
            kind: .cancel,
            wave: 0,
            steps: [.removeHardware],
            now: Date()
        )
        return await executor.run(job, now: Date())
    }

    @Test(
        "remove-hardware waits for hardware a terminal reports, passes once it is gone, and is an operator's gate where the driver cannot see peripherals"
    )
    func removeHardware() async throws {
        let attached = try await removeHardware(
            with: StatusDriver(peripherals: ["wechat-payscore-reader"], detailsKnown: true)
        )
        guard case .wait(_, let note) = attached else { Issue.record("expected a wait, got \(attached)"); return }
        #expect(note.contains("wechat-payscore-reader"))

        #expect(try await removeHardware(with: StatusDriver(peripherals: [], detailsKnown: true)) == .done())

        // A TMS's status lists no peripherals because it cannot see them: that must not pass the step.
        let blind = try await removeHardware(with: StatusDriver(peripherals: [], detailsKnown: false))
        guard case .gate(let reason) = blind else { Issue.record("expected a gate, got \(blind)"); return }
        #expect(reason.contains("by hand") && reason.contains("t-1"))
    }
}
