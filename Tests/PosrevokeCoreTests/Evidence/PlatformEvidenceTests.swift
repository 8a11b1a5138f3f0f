import Foundation
import PosrevokeCore
import Testing

/// Who the platform's records belong to, from when they count, and the alerts they keep firing.
@Suite struct PlatformEvidenceTests {
    static let cutover = Date(timeIntervalSince1970: 1_796_300_000)  // 2026-12-03 20:13 in Beijing

    static func terminal(_ id: String, store: String, cutover: Date? = PlatformEvidenceTests.cutover) -> Terminal {
        Terminal(
            id: id,
            store: store,
            pollInterval: .seconds(10),
            providers: [
                .wechatPayscore: ProviderCancellation(state: cutover == nil ? .active : .cancelled, cutover: cutover)
            ]
        )
    }

    static func attribution(_ terminals: [Terminal]) -> EvidenceAttribution {
        EvidenceAttribution(
            terminals: terminals,
            stores: [StoreConfig(id: "s-1", wechatpaySubMchID: "1900000101")],
            provider: .wechatPayscore,
            merchantID: "1900000001"
        )
    }

    static func row(
        _ line: Int,
        at offset: TimeInterval,
        device: String = "",
        sub: String = "",
        type: String = "AUTH"
    )
        -> TradeBillRow
    {
        TradeBillRow(
            line: line,
            time: cutover.addingTimeInterval(offset),
            merchantID: "1900000001",
            subMerchantID: sub,
            deviceInfo: device,
            outTradeNo: "o-\(line)",
            tradeType: type,
            amount: "35.00",
            attach: type == "AUTH" ? "wxzff|100\(line)|ms-\(line)" : ""
        )
    }

    @Test("a row names a terminal by 设备号 (its id or device_info), else a store by sub-merchant, else the merchant")
    func attribution() {
        var withDevice = Self.terminal("t-2", store: "s-1")
        withDevice.deviceInfo = "POS-0002"
        let attribution = Self.attribution([Self.terminal("t-1", store: "s-1"), withDevice])
        #expect(attribution.owner(deviceInfo: "t-1", subMerchantID: "").subject == "t-1")
        #expect(attribution.owner(deviceInfo: "POS-0002", subMerchantID: "1900000101").subject == "t-2")
        let store = attribution.owner(deviceInfo: "unknown", subMerchantID: "1900000101")
        #expect(store.scope == .store && store.subject == "s-1" && store.store == "s-1")
        let merchant = attribution.owner(deviceInfo: "", subMerchantID: "1999")
        #expect(merchant.scope == .merchant && merchant.subject == "1900000001" && merchant.store == "")
    }

    @Test("a store has cut over once all its terminals have; the merchant once every store has")
    func cutovers() {
        let later = Self.cutover.addingTimeInterval(3600)
        let all = Self.attribution([
            Self.terminal("t-1", store: "s-1"), Self.terminal("t-2", store: "s-1", cutover: later),
        ])
        #expect(all.owner(deviceInfo: "", subMerchantID: "1900000101").cutover == later)
        #expect(all.owner(deviceInfo: "", subMerchantID: "").cutover == later)
        let partly = Self.attribution([
            Self.terminal("t-1", store: "s-1"), Self.terminal("t-3", store: "s-2", cutover: nil),
        ])
        #expect(partly.owner(deviceInfo: "", subMerchantID: "1900000101").cutover == Self.cutover)
        #expect(partly.owner(deviceInfo: "", subMerchantID: "").cutover == nil)
    }

    @Test("only successful Pay Score rows after the cutover of their owner are findings")
    func findings() {
        let attribution = Self.attribution([Self.terminal("t-1", store: "s-1")])
        var refunded = Self.row(5, at: 60, device: "t-1")
        refunded.tradeState = "REFUND"
        let bill = TradeBill(
            rows: [
                Self.row(2, at: -60, device: "t-1"),  // before cutover
                Self.row(3, at: 60, device: "t-1"),  // terminal
                Self.row(4, at: 60, device: "t-1", type: "JSAPI"),  // not Pay Score
                refunded,
                Self.row(6, at: 120, sub: "1900000101"),  // store
                Self.row(7, at: 180),  // merchant
            ],
            problems: [],
            malformedRows: 0,
            declaredRows: 6
        )
        let sightings = TradeBillFindings.sightings(bill, attribution: attribution)
        #expect(sightings.map(\.scope) == [.terminal, .store, .merchant])
        #expect(sightings.map(\.reference) == ["ms-3", "ms-6", "ms-7"])
        #expect(sightings.first?.key.description == "lingering-credit-pay/t-1/wechat-payscore/platform-bill")
        #expect(
            sightings.last?.key.description == "lingering-credit-pay/merchant:1900000001/wechat-payscore/platform-bill"
        )
        // An active Pay Score payment is known by the order number a terminal reported, and belongs to it.
        let active = TradeBillFindings.sightings(
            bill,
            attribution: attribution,
            payScoreOrders: ["o-4": "t-1", "o-7": "t-1"]
        )
        #expect(active.first { $0.reference == "o-4" }?.subject == "t-1")
        #expect(active.first { $0.reference == "ms-7" }?.scope == .terminal, "the reporter, not the merchant")
    }

    @Test("evidence fires one alert per subject; a later bill without it resolves the alert")
    func rule() {
        let attribution = Self.attribution([Self.terminal("t-1", store: "s-1")])
        let bill = TradeBill(
            rows: [
                Self.row(2, at: 60, device: "t-1"), Self.row(3, at: 90, device: "t-1"),
                Self.row(4, at: 99, sub: "1900000101"),
            ],
            problems: [],
            malformedRows: 0,
            declaredRows: 3
        )
        let sightings = TradeBillFindings.sightings(bill, attribution: attribution)
        var book = AlertBook()
        let now = Self.cutover.addingTimeInterval(86400)
        let firing = PlatformEvidenceRule.conditions(
            sightings,
            source: .bill,
            known: [:],
            context: ["BILL_DATE": "2026-12-03"]
        )
        var announcements: [Announcement] = []
        for (condition, store) in firing {
            announcements += book.apply([condition], store: store, config: DetectionSection(), now: now).announcements
        }
        #expect(announcements.count == 2)
        let terminal = announcements.first { $0.key.terminal == "t-1" }
        #expect(terminal?.fields["EVIDENCE_SOURCE"] == "platform-bill")
        #expect(terminal?.fields["MESSAGE_ID"] == MessageID.lingeringFromBill)
        #expect(terminal?.fields["TERMINAL_ID"] == "t-1" && terminal?.fields["STORE_ID"] == "s-1")
        #expect(terminal?.fields["ORDER_NUMBERS"] == "ms-2 ms-3" && terminal?.fields["PLATFORM_COUNT"] == "2")
        let store = announcements.first { $0.key.scope == .store }
        #expect(store?.fields["TERMINAL_ID"] == nil && store?.fields["STORE_ID"] == "s-1")
        #expect(store?.message.hasPrefix("FIRING lingering-credit-pay at store s-1") == true)

        let known = Dictionary(uniqueKeysWithValues: book.records.values.map { ($0.key, $0.store) })
        let next = PlatformEvidenceRule.conditions([], source: .bill, known: known)
        #expect(next.count == 2 && next.allSatisfy { !$0.condition.active })
        var resolved: [Announcement] = []
        for (condition, store) in next {
            resolved +=
                book.apply([condition], store: store, config: DetectionSection(), now: now + 86400).announcements
        }
        #expect(resolved.map(\.phase) == [.resolved, .resolved])
        #expect(resolved.allSatisfy { $0.store == "s-1" })
        // Callback evidence is its own source: a bill never resolves it.
        #expect(PlatformEvidenceRule.conditions([], source: .callback, known: known).isEmpty)
    }

    @Test("a platform key round-trips through its text and its stored JSON, and old records decode without a source")
    func keys() throws {
        let key = AlertKey(
            kind: .lingeringCreditPay,
            terminal: "store:s-1",
            provider: "wechat-payscore",
            source: "platform-bill"
        )
        #expect(AlertKey(key.description) == key)
        #expect(key.scope == .store && key.subject == "s-1")
        let old = Data(#"{"kind":"lingering-credit-pay","terminal":"t-1","provider":"wechat-payscore"}"#.utf8)
        let decoded = try JSONDecoder().decode(AlertKey.self, from: old)
        #expect(decoded == AlertKey(kind: .lingeringCreditPay, terminal: "t-1", provider: "wechat-payscore"))
        #expect(decoded.description == "lingering-credit-pay/t-1/wechat-payscore")
        #expect(try JSONDecoder().decode(AlertKey.self, from: JSONEncoder().encode(key)) == key)
    }
}

/// When bills are fetched, retried and reported missing.
@Suite struct BillScheduleTests {
    static func schedule(_ edit: (inout BillsSection) -> Void = { _ in }) -> BillSchedule {
        var config = BillsSection()
        edit(&config)
        return BillSchedule(config: config)
    }

    /// 2026-12-05 10:00 in Beijing.
    static let morning = Date(timeIntervalSince1970: 1_796_436_000)

    @Test("yesterday's bill is due after bills.time in the merchant's zone, not before")
    func due() {
        let schedule = Self.schedule { $0.catchUpDays = 1 }
        #expect(schedule.yesterday(Self.morning) == "2026-12-04")
        #expect(schedule.due(now: Self.morning, records: [:]) == nil)
        #expect(schedule.due(now: Self.morning.addingTimeInterval(1800), records: [:]) == "2026-12-04")
        let read = ["2026-12-04": BillSchedule.Record(date: "2026-12-04", read: true, attempts: 1)]
        #expect(schedule.due(now: Self.morning.addingTimeInterval(1800), records: read) == nil)
    }

    @Test("a failed day is retried after retry_interval, oldest first, within catch_up_days")
    func retry() {
        let schedule = Self.schedule { $0.catchUpDays = 3 }
        let now = Self.morning.addingTimeInterval(3600)
        #expect(schedule.window(now) == ["2026-12-02", "2026-12-03", "2026-12-04"])
        var records = [
            "2026-12-02": BillSchedule.Record(date: "2026-12-02", read: true),
            "2026-12-03": BillSchedule.Record(
                date: "2026-12-03",
                attempts: 2,
                lastAttempt: now.addingTimeInterval(-60)
            ),
        ]
        #expect(schedule.due(now: now, records: records) == "2026-12-04")
        records["2026-12-03"]?.lastAttempt = now.addingTimeInterval(-1800)
        #expect(schedule.due(now: now, records: records) == "2026-12-03")
    }

    @Test("a day not read late_after past its ready time raises trade-bill-missing, which clears once it is read")
    func missing() {
        let schedule = Self.schedule { $0.catchUpDays = 2 }
        let readyAt = schedule.readyAt("2026-12-04")
        #expect(readyAt == Self.morning.addingTimeInterval(1800))
        let failed = [
            "2026-12-03": BillSchedule.Record(date: "2026-12-03", read: true),
            "2026-12-04": BillSchedule.Record(date: "2026-12-04", attempts: 4, lastError: "NO_STATEMENT_EXIST"),
        ]
        let early = schedule.missingCondition(
            now: Self.morning.addingTimeInterval(3 * 3600),
            records: failed,
            merchantID: "1900000001",
            provider: .wechatPayscore
        )
        #expect(!early.active)
        let late = schedule.missingCondition(
            now: Self.morning.addingTimeInterval(7 * 3600),
            records: failed,
            merchantID: "1900000001",
            provider: .wechatPayscore
        )
        #expect(late.active && late.evidence["BILL_DATES"] == "2026-12-04")
        #expect(late.key.description == "trade-bill-missing/merchant:1900000001/wechat-payscore")
        #expect(late.summary.contains("NO_STATEMENT_EXIST"))
        var read = failed
        read["2026-12-04"]?.read = true
        #expect(
            !schedule.missingCondition(
                now: Self.morning.addingTimeInterval(7 * 3600),
                records: read,
                merchantID: "1900000001",
                provider: .wechatPayscore
            ).active
        )
    }

    @Test("only real days are days")
    func days() {
        let schedule = Self.schedule()
        #expect(schedule.day("2026-02-30") == nil)
        #expect(schedule.day("2026-2-3") == nil)
        #expect(schedule.day("yesterday") == nil)
        #expect(schedule.day("2026-12-04") != nil)
    }
}
