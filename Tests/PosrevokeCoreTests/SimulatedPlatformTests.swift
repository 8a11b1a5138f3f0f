import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Testing

@Suite("Simulated payment platform")
struct SimulatedPlatformTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func platform(_ tweak: (inout PlatformSimulationConfig) -> Void = { _ in }) throws -> SimulatedPlatform {
        var settings = PlatformSimulationConfig()
        settings.transientErrorShare = 0
        settings.debitInProgressShare = 0
        settings.maxOpenOrders = 2
        settings.reviewDelay = .seconds(90)
        tweak(&settings)
        return SimulatedPlatform(settings: settings, store: try SimulationStore(path: nil))
    }

    @Test("an application is idempotent by request key and reviewed over time; terminating the binding counts once")
    func review() throws {
        let platform = try platform()
        let id = try platform.submitDeactivation(terminal: "t-1", provider: .wechatPayscore, requestKey: "k", now: t0)
        #expect(
            try platform.submitDeactivation(terminal: "t-1", provider: .wechatPayscore, requestKey: "k", now: t0) == id
        )
        #expect(try platform.application(id, now: t0).state == .submitted)
        #expect(try platform.application(id, now: t0.addingTimeInterval(40)).state == .underReview)
        #expect(try platform.binding(terminal: "t-1", provider: .wechatPayscore) == .available)
        #expect(try platform.application(id, now: t0.addingTimeInterval(90)).state == .approved)
        #expect(try platform.application(id, now: t0.addingTimeInterval(95)).state == .approved)
        #expect(try platform.binding(terminal: "t-1", provider: .wechatPayscore) == .available)
        try platform.terminate(terminal: "t-1", provider: .wechatPayscore)
        try platform.terminate(terminal: "t-1", provider: .wechatPayscore)
        #expect(try platform.binding(terminal: "t-1", provider: .wechatPayscore) == .unavailable)
        let effects = try platform.effects()
        #expect(effects["t-1/wechat-payscore/submit-application"] == 1)
        #expect(effects["t-1/wechat-payscore/deactivate"] == 1)
        #expect(throws: PlatformError.self) {
            try platform.submitDeactivation(terminal: "t-2", provider: .wechatPayscore, requestKey: "k", now: t0)
        }
    }

    @Test("rejections carry a reason")
    func rejection() throws {
        let platform = try platform { $0.rejectShare = 1 }
        let id = try platform.submitDeactivation(terminal: "t-1", provider: .alipayCredit, requestKey: "k", now: t0)
        let answer = try platform.application(id, now: t0.addingTimeInterval(100))
        #expect(answer.state == .rejected)
        #expect(answer.reason?.isEmpty == false)
        #expect(try platform.binding(terminal: "t-1", provider: .alipayCredit) == .available)
    }

    @Test("an order cancels once; the same request again is a no-op, different parameters are INVALID_REQUEST")
    func cancel() throws {
        let platform = try platform { $0.maxOpenOrders = 3 }
        var orders: [String] = []
        for n in 1...20 where orders.isEmpty {
            orders = try platform.openOrders(terminal: "t-\(n)", provider: .wechatPayscore, now: t0)
        }
        let order = try #require(orders.first)
        try platform.cancelOrder(order, reason: "r", now: t0)
        try platform.cancelOrder(order, reason: "r", now: t0)
        #expect(
            throws: PlatformError(
                status: 400,
                code: "INVALID_REQUEST",
                message: "request reused with different parameters"
            )
        ) {
            try platform.cancelOrder(order, reason: "other", now: t0)
        }
        #expect(throws: PlatformError.self) { try platform.cancelOrder("no-such-order", reason: "r", now: t0) }
        let terminal = String(order.split(separator: "-")[1...2].joined(separator: "-"))
        #expect(try platform.effects()["\(terminal)/wechat-payscore/cancel-order"] == 1)
    }

    @Test("a debit in progress refuses the cancel with a retryable error until it is over")
    func debit() throws {
        let platform = try platform {
            $0.debitInProgressShare = 1; $0.maxOpenOrders = 1
        }
        var order: String?
        for n in 1...20 where order == nil {
            order = try platform.openOrders(terminal: "t-\(n)", provider: .wechatPayscore, now: t0).first
        }
        let id = try #require(order)
        do {
            try platform.cancelOrder(id, reason: "r", now: t0)
            Issue.record("expected a debit in progress")
        } catch {
            #expect(error.code == PlatformError.debitInProgress && error.isRetryable)
        }
        try platform.cancelOrder(id, reason: "r", now: t0.addingTimeInterval(60))
    }

    @Test("transient 429 and 500 answers are injected and retryable")
    func transient() throws {
        let platform = try platform { $0.transientErrorShare = 0.5 }
        var codes: Set<String> = []
        for n in 0..<60 {
            do {
                _ = try platform.binding(terminal: "t-\(n)", provider: .wechatPayscore)
            } catch {
                #expect(error.isRetryable)
                codes.insert(error.code)
            }
        }
        #expect(codes == ["FREQUENCY_LIMITED", "SYSTEM_ERROR"])
    }

    @Test("platform state survives reopening its file")
    func durable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var settings = PlatformSimulationConfig()
        settings.transientErrorShare = 0
        let id = try SimulatedPlatform(settings: settings, store: SimulationStore(path: path))
            .submitDeactivation(terminal: "t-1", provider: .wechatPayscore, requestKey: "k", now: t0)
        let reopened = SimulatedPlatform(settings: settings, store: try SimulationStore(path: path))
        #expect(
            try reopened.submitDeactivation(terminal: "t-1", provider: .wechatPayscore, requestKey: "k", now: t0) == id
        )
        #expect(try reopened.effects()["t-1/wechat-payscore/submit-application"] == 1)
    }
}
