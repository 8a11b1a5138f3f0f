import Dispatch
import Foundation
import Logging
import PosrevokeCore
import Synchronization

/// Reads each day's WeChat Pay trade bill once it is ready, for Pay Score payments after cutover
/// (`EVIDENCE_SOURCE=platform-bill`). Which days are due, retried or late is `BillSchedule`'s call; a day read is
/// recorded with its findings in one transaction, so a restart never reads it twice.
final class TradeBills: Sendable {
    let queue = DispatchQueue(label: "posrevoke.bills")
    private let store: StateStore
    private let engine: Engine
    private let runner: JobRunner
    private let clock: any WallClock
    private let logger: Logger
    /// Days being fetched now: the daily run and an operator's `bills fetch` never read one day at once.
    private let inFlight = Mutex<Set<String>>([])

    init(store: StateStore, engine: Engine, runner: JobRunner, clock: any WallClock, logger: Logger) {
        self.store = store
        self.engine = engine
        self.runner = runner
        self.clock = clock
        self.logger = logger
    }

    /// The WeChat Pay account and client bills are read with, when `platform.wechatpay` is set and bills are on.
    private func source() -> (config: DaemonConfig, client: WeChatPayClient)? {
        let config = engine.sync { $0.config }
        guard config.bills.enabled, config.platform.wechatpay != nil else { return nil }
        let platform = runner.sync { $0.platforms[.wechatPayscore] as? WeChatPayPlatform }
        guard let platform else { return nil }
        return (config, platform.client)
    }

    /// Starts the fetch of a due day and raises or clears `trade-bill-missing`. Call it often.
    func runIfDue() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let found = source() else { return }
        let (config, client) = found
        let schedule = BillSchedule(config: config.bills)
        let now = clock.now()
        let records: [String: BillSchedule.Record]
        do {
            records = try store.billRecords()
        } catch {
            logger.error("cannot read which trade bills were read: \(error)")
            return
        }
        let missing = schedule.missingCondition(
            now: now,
            records: records,
            merchantID: client.account.merchantID,
            provider: .wechatPayscore
        )
        engine.async { $0.apply(external: [(missing, "")]) }
        guard let date = schedule.due(now: now, records: records) else { return }
        Task { _ = await self.fetch(date: date, config: config, client: client) }
    }

    /// `posrevokectl bills fetch`: reads one day's bill now, whatever the schedule says. Waits for the answer.
    func fetchNow(date: String?) throws -> BillReport {
        guard let found = source() else {
            throw ControlError(
                "trade bills need platform.wechatpay and platform.providers.wechat-payscore: wechatpay-v3, with bills "
                    + "enabled"
            )
        }
        let (config, client) = found
        let schedule = BillSchedule(config: config.bills)
        let day = date ?? schedule.yesterday(clock.now())
        guard let start = schedule.day(day) else { throw ControlError("not a day: \(day.prefix(32)) (use YYYY-MM-DD)") }
        guard start <= clock.now() else {
            throw ControlError("\(day) has not begun yet in \(config.bills.timeZone.identifier)")
        }
        return waitForResult { await self.fetch(date: day, config: config, client: client) }
    }

    /// Downloads, checks and reads one day's bill, and records what it found.
    func fetch(date: String, config: DaemonConfig, client: WeChatPayClient) async -> BillReport {
        guard inFlight.withLock({ $0.insert(date).inserted }) else {
            var report = BillReport(date: date, outcome: .failed)
            report.error = "the bill of \(date) is being read right now"
            return report
        }
        defer { _ = inFlight.withLock { $0.remove(date) } }
        if (try? store.billRecords()[date]?.read) == true { return BillReport(date: date, outcome: .alreadyRead) }
        do {
            let data = try await client.tradeBill(date: date)
            let bill = try TradeBill.parse(data, timeZone: config.bills.timeZone)
            let attribution = EvidenceAttribution(
                terminals: engine.sync { $0.effectiveTerminals },
                stores: config.stores,
                provider: .wechatPayscore,
                merchantID: client.account.merchantID
            )
            let orders = try reportedOrders(date: date, schedule: BillSchedule(config: config.bills))
            let sightings = TradeBillFindings.sightings(bill, attribution: attribution, payScoreOrders: orders)
            var report = BillReport(date: date, outcome: .read)
            report.rows = bill.rows.count
            report.payScoreRows = bill.rows.filter { TradeBillFindings.isPayScore($0, orders: orders) }.count
            report.malformedRows = bill.malformedRows
            report.declaredRows = bill.declaredRows
            report.problems = bill.problems
            report.findings = Array(sightings.prefix(BillReport.maxFindings))
            report.findingCount = sightings.count
            let fresh = try engine.sync { engine in
                try engine.recordBill(
                    date: date,
                    rows: bill.rows.count,
                    malformed: bill.malformedRows,
                    sightings: sightings
                )
            }
            guard fresh else { return BillReport(date: date, outcome: .alreadyRead) }
            announce(report)
            return report
        } catch {
            let text = "\(error)"
            do {
                let now = clock.now()
                try store.write { try StateStore.noteBillFailure(date, error: text, at: now, $0) }
            } catch {
                logger.error("cannot record the failed read of the trade bill of \(date): \(error)")
            }
            logger.warning(
                "cannot read the trade bill of \(date); trying again in \(DurationText.format(config.bills.retryInterval)): \(text)",
                metadata: ["BILL_DATE": "\(date)", "BILL_ERROR": "\(String(text.prefix(300)))"]
            )
            var report = BillReport(date: date, outcome: .failed)
            report.error = text
            return report
        }
    }

    /// The Pay Score payments the terminals reported for the day (received that day or the next), by order number.
    private func reportedOrders(date: String, schedule: BillSchedule) throws -> [String: String] {
        guard let start = schedule.day(date) else { return [:] }
        return try store.reportedTransactions(
            provider: .wechatPayscore,
            receivedFrom: start,
            until: start.addingTimeInterval(2 * 86400)
        )
    }

    private func announce(_ report: BillReport) {
        var text =
            "read the trade bill of \(report.date): \(report.rows) rows, \(report.payScoreRows) Pay Score, "
            + "\(report.findingCount) after cutover"
        if report.malformedRows > 0 {
            let lines = report.problems.prefix(5).map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")
            text += "; \(report.malformedRows) malformed rows skipped (\(lines))"
        }
        if let declared = report.declaredRows, declared != report.rows + report.malformedRows {
            text += "; its summary declares \(declared) rows"
        }
        let entry: Logger.Level = report.malformedRows > 0 ? .warning : .info
        logger.log(
            level: entry,
            "\(text)",
            metadata: [
                JournalField.messageID: "\(MessageID.tradeBillRead)", "BILL_DATE": "\(report.date)",
                "BILL_ROWS": "\(report.rows)", "BILL_PAYSCORE_ROWS": "\(report.payScoreRows)",
                "BILL_FINDINGS": "\(report.findingCount)", "BILL_MALFORMED_ROWS": "\(report.malformedRows)",
            ]
        )
    }
}
