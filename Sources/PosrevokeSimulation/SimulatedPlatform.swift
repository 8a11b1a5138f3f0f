public import Foundation
import GRDB
public import PosrevokeCore
import Synchronization

/// A payment platform that behaves like WeChat Pay Score APIv3 and Alipay, for demos and tests.
///
/// Orders cancel only once (idempotent with identical parameters, `INVALID_REQUEST` with different ones) and not
/// while a debit is in progress; applications are idempotent by request key, take `review_delay` to review and are
/// sometimes rejected with a reason; an approved merchant then terminates the binding; transient 429/500 answers are injected deterministically. Every effective
/// operation is counted per terminal, so tests can prove exactly-once effects.
public final class SimulatedPlatform: Sendable {
    let store: SimulationStore
    let settings: Mutex<PlatformSimulationConfig>
    private let calls = Mutex<[String: Int]>([:])

    package init(settings: PlatformSimulationConfig, store: SimulationStore) {
        self.settings = Mutex(settings)
        self.store = store
    }

    public func reconfigure(_ settings: PlatformSimulationConfig) { self.settings.withLock { $0 = settings } }

    /// Open pay-after-use service orders of one terminal × provider.
    public func openOrders(terminal: String, provider: CreditProvider, now: Date) throws(PlatformError) -> [String] {
        try injectFailure("orders/\(terminal)/\(provider.rawValue)")
        return try terminalOrders(terminal: terminal, provider: provider, now: now)
    }

    /// The same orders as the terminal itself lists them (`GET /v1/orders`): no platform faults on the way.
    public func terminalOrders(terminal: String, provider: CreditProvider, now: Date) throws(PlatformError) -> [String]
    {
        try database { db in
            try seed(db, terminal: terminal, provider: provider, now: now)
            return try String.fetchAll(
                db,
                sql:
                    "SELECT out_order_no FROM orders WHERE terminal = ? AND provider = ? AND state != 'cancelled' ORDER BY out_order_no",
                arguments: [terminal, provider.rawValue]
            )
        }
    }

    /// `POST /v3/payscore/serviceorder/{out_order_no}/cancel`.
    public func cancelOrder(_ outOrderNo: String, reason: String, now: Date) throws(PlatformError) {
        try injectFailure("cancel/\(outOrderNo)/\(reason)")
        try database { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM orders WHERE out_order_no = ?",
                    arguments: [outOrderNo]
                )
            else {
                throw PlatformError(status: 404, code: "ORDER_NOT_EXIST", message: "order \(outOrderNo) does not exist")
            }
            try SimulationStore.countCall(
                db,
                terminal: row["terminal"],
                provider: row["provider"],
                operation: "cancel-order",
                parameters: "\(outOrderNo) \(reason)"
            )
            let state: String = row["state"]
            if state == "cancelled" {
                guard row["cancel_reason"] as String? == reason else {
                    throw PlatformError(
                        status: 400,
                        code: "INVALID_REQUEST",
                        message: "request reused with different parameters"
                    )
                }
                return
            }
            if let until = row["debit_until"] as Double?, now.timeIntervalSince1970 < until {
                throw PlatformError(
                    status: 400,
                    code: PlatformError.debitInProgress,
                    message: "单据正在扣款中, retry in a few minutes"
                )
            }
            try db.execute(
                sql: "UPDATE orders SET state = 'cancelled', cancel_reason = ? WHERE out_order_no = ?",
                arguments: [reason, outOrderNo]
            )
            try SimulationStore.countEffect(
                db,
                terminal: row["terminal"],
                provider: row["provider"],
                operation: "cancel-order"
            )
        }
    }

    /// Submits a deactivation (unbind) application; the same `requestKey` always returns the same application.
    public func submitDeactivation(
        terminal: String,
        provider: CreditProvider,
        requestKey: String,
        now: Date
    )
        throws(PlatformError) -> String
    {
        try injectFailure("submit/\(requestKey)")
        let config = settings.withLock { $0 }
        return try database { db in
            try SimulationStore.countCall(
                db,
                terminal: terminal,
                provider: provider.rawValue,
                operation: "submit-application",
                parameters: requestKey
            )
            if let existing = try Row.fetchOne(
                db,
                sql: "SELECT * FROM applications WHERE request_key = ?",
                arguments: [requestKey]
            ) {
                guard existing["terminal"] as String == terminal, existing["provider"] as String == provider.rawValue
                else {
                    throw PlatformError(
                        status: 400,
                        code: "INVALID_REQUEST",
                        message: "request reused with different parameters"
                    )
                }
                return existing["id"]
            }
            let id =
                "app-\(terminal)-\(provider.rawValue)-\(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applications") ?? 0)"
            let rejected = Self.draw(config.seed, "review/\(terminal)/\(provider.rawValue)") < config.rejectShare
            try db.execute(
                sql:
                    "INSERT INTO applications (id, request_key, terminal, provider, submitted_at, outcome, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    id, requestKey, terminal, provider.rawValue, now.timeIntervalSince1970,
                    rejected ? "rejected" : "approved",
                    rejected ? "营业执照信息与商户号不一致 (business licence does not match the merchant id)" : nil,
                ]
            )
            try SimulationStore.countEffect(
                db,
                terminal: terminal,
                provider: provider.rawValue,
                operation: "submit-application"
            )
            return id
        }
    }

    /// The review state of an application, and the rejection reason if any.
    public func application(_ id: String, now: Date) throws(PlatformError) -> (state: ReviewState, reason: String?) {
        try injectFailure("application/\(id)/\(Int(now.timeIntervalSince1970))")
        let delay = settings.withLock { $0.reviewDelay.seconds }
        return try database { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM applications WHERE id = ?", arguments: [id]) else {
                throw PlatformError(status: 404, code: "ORDER_NOT_EXIST", message: "application \(id) does not exist")
            }
            let age = now.timeIntervalSince1970 - (row["submitted_at"] as Double)
            if age < delay / 3 { return (.submitted, nil) }
            if age < delay { return (.underReview, nil) }
            if row["outcome"] as String == "rejected" { return (.rejected, row["reason"]) }
            return (.approved, nil)
        }
    }

    /// `GET /v3/payscore/permissions/authorization-code/{code}`: is the binding still there?
    public func binding(terminal: String, provider: CreditProvider) throws(PlatformError) -> BindingState {
        try injectFailure("binding/\(terminal)/\(provider.rawValue)/\(Date().timeIntervalSince1970)")
        return try database { db in
            let state = try String.fetchOne(
                db,
                sql: "SELECT state FROM bindings WHERE terminal = ? AND provider = ?",
                arguments: [terminal, provider.rawValue]
            )
            return BindingState(rawValue: state ?? "") ?? .available
        }
    }

    /// Restores a binding (the merchant went back); idempotent.
    public func rebind(terminal: String, provider: CreditProvider, requestKey: String) throws(PlatformError) {
        try injectFailure("rebind/\(requestKey)")
        try database { db in
            try SimulationStore.countCall(
                db,
                terminal: terminal,
                provider: provider.rawValue,
                operation: "rebind",
                parameters: requestKey
            )
            let state = try String.fetchOne(
                db,
                sql: "SELECT state FROM bindings WHERE terminal = ? AND provider = ?",
                arguments: [terminal, provider.rawValue]
            )
            guard state == BindingState.unavailable.rawValue else { return }
            try db.execute(
                sql: "UPDATE bindings SET state = ? WHERE terminal = ? AND provider = ?",
                arguments: [BindingState.available.rawValue, terminal, provider.rawValue]
            )
            try SimulationStore.countEffect(db, terminal: terminal, provider: provider.rawValue, operation: "rebind")
        }
    }

    /// Effective operations per `terminal/provider/operation`.
    public func effects() throws -> [String: Int] { try store.effects() }

    /// `POST /v3/payscore/permissions/authorization-code/{code}/terminate`: ends the binding; idempotent.
    public func terminate(terminal: String, provider: CreditProvider) throws(PlatformError) {
        try injectFailure("terminate/\(terminal)/\(provider.rawValue)")
        try database { db in
            // The binding is the key: a terminate carries nothing else.
            try SimulationStore.countCall(
                db,
                terminal: terminal,
                provider: provider.rawValue,
                operation: "deactivate",
                parameters: "-"
            )
            let state = try String.fetchOne(
                db,
                sql: "SELECT state FROM bindings WHERE terminal = ? AND provider = ?",
                arguments: [terminal, provider.rawValue]
            )
            guard state != BindingState.unavailable.rawValue else { return }
            try db.execute(
                sql: "INSERT OR REPLACE INTO bindings (terminal, provider, state) VALUES (?, ?, ?)",
                arguments: [terminal, provider.rawValue, BindingState.unavailable.rawValue]
            )
            try SimulationStore.countEffect(
                db,
                terminal: terminal,
                provider: provider.rawValue,
                operation: "deactivate"
            )
        }
    }

    /// Creates the terminal's open orders the first time anyone asks about them.
    private func seed(_ db: Database, terminal: String, provider: CreditProvider, now: Date) throws {
        let seeded =
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM seeded WHERE terminal = ? AND provider = ?",
                arguments: [terminal, provider.rawValue]
            ) ?? false
        guard !seeded else { return }
        let config = settings.withLock { $0 }
        try db.execute(sql: "INSERT INTO seeded VALUES (?, ?)", arguments: [terminal, provider.rawValue])
        let count = Int(
            Self.draw(config.seed, "orders/\(terminal)/\(provider.rawValue)") * Double(config.maxOpenOrders + 1)
        )
        for index in 0..<min(count, config.maxOpenOrders) {
            let debiting = Self.draw(config.seed, "debit/\(terminal)/\(index)") < config.debitInProgressShare
            try db.execute(
                sql:
                    "INSERT INTO orders (out_order_no, terminal, provider, state, debit_until) VALUES (?, ?, ?, 'open', ?)",
                arguments: [
                    "so-\(terminal)-\(provider.rawValue)-\(index)", terminal, provider.rawValue,
                    debiting ? now.timeIntervalSince1970 + 15 : nil,
                ]
            )
        }
    }

    /// Fails this call with 429 or 500 for a deterministic share of calls; the call has no effect.
    func injectFailure(_ call: String) throws(PlatformError) {
        let config = settings.withLock { $0 }
        guard config.transientErrorShare > 0 else { return }
        let n = calls.withLock { counts -> Int in
            counts[call, default: 0] += 1
            return counts[call]!
        }
        let draw = Self.draw(config.seed, "\(call)#\(n)")
        if draw < config.transientErrorShare / 2 { throw .frequencyLimited() }
        if draw < config.transientErrorShare { throw .systemError() }
    }

    func database<T>(_ work: (Database) throws -> T) throws(PlatformError) -> T {
        do {
            return try store.db.write(work)
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError(status: 500, code: "SYSTEM_ERROR", message: "\(error)")
        }
    }

    static func draw(_ seed: UInt64, _ name: String) -> Double {
        var rng = SplitMix64(seed: seed, stream: name)
        return rng.unit()
    }
}
