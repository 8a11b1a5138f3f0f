import Foundation
import PosrevokeCore
import Testing

/// `bills:`, `callbacks:`, `stores:` and `device_info:`: every mistake named, with its path.
@Suite struct EvidenceConfigTests {
    static let terminals = """
        terminals:
          - {id: t-1, store: s-1, device_info: POS-1, providers: {wechat-payscore: {state: cancelled, cutover: 2026-11-01T02:00:00+08:00}}}
          - {id: t-2, store: s-2, providers: {wechat-payscore: {state: cancelled, cutover: 2026-11-01T02:00:00+08:00}}}
        """

    func issues(_ yaml: String) -> [String] {
        do {
            _ = try ConfigParser.parse(yaml: yaml + "\n" + Self.terminals + "\n")
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test("the settings are read, with their defaults")
    func read() throws {
        let config = try ConfigParser.parse(
            yaml: """
                bills: {time: "11:05", time_zone: Europe/Berlin, retry_interval: 5m, late_after: 2h, catch_up_days: 7}
                stores:
                  - {id: s-1, wechatpay_sub_mchid: "1900000101"}
                  - {id: s-2}
                \(Self.terminals)
                """
        )
        #expect(config.bills.timeOfDay == 11 * 60 + 5 && config.bills.timeZone.identifier == "Europe/Berlin")
        #expect(config.bills.retryInterval == .seconds(300) && config.bills.catchUpDays == 7)
        #expect(config.stores == [StoreConfig(id: "s-1", wechatpaySubMchID: "1900000101"), StoreConfig(id: "s-2")])
        #expect(config.terminals.first?.deviceInfo == "POS-1" && config.callbacks.listen == nil)
        let defaults = try ConfigParser.parse(yaml: Self.terminals)
        #expect(defaults.bills.timeOfDay == 630 && defaults.bills.timeZone.identifier == "Asia/Shanghai")
    }

    @Test(
        "mistakes are named",
        arguments: [
            ("bills: {time: \"25:00\"}", "bills.time: must be HH:MM"),
            ("bills: {time_zone: Mars/Olympus}", "bills.time_zone: unknown time zone"),
            ("bills: {catch_up_days: 0}", "bills.catch_up_days"),
            ("stores: [{id: s-9}]", "stores[0].id: no terminal is in store 's-9'"),
            ("stores: [{id: s-1}, {id: s-1}]", "stores[1].id: store 's-1' is listed twice"),
            ("stores: [{id: s-1, wechatpay_sub_mchid: \"19x\"}]", "stores[0].wechatpay_sub_mchid: must be"),
            (
                "stores: [{id: s-1, wechatpay_sub_mchid: \"1\"}, {id: s-2, wechatpay_sub_mchid: \"1\"}]",
                "stores[1].wechatpay_sub_mchid: is also store 's-1''s"
            ),
            ("callbacks: {listen: \"127.0.0.1\"}", "callbacks.listen: must be host:port"),
            ("metrics: {listen: \":9469\"}", "metrics.listen: must be host:port"),
            ("metrics: {listen: \"127.0.0.1:0\"}", "metrics.listen: must be host:port"),
            ("callbacks: {listen: \"127.0.0.1:8480\"}", "callbacks.listen: callbacks come from WeChat Pay"),
        ]
    )
    func mistakes(yaml: String, expected: String) {
        let found = issues(yaml)
        #expect(found.contains { $0.hasPrefix(expected) || $0.contains(expected) }, "\(found)")
    }

    @Test("one device id names one terminal")
    func duplicateDevice() throws {
        let yaml = """
            terminals:
              - {id: t-1, store: s-1, device_info: POS-1}
              - {id: t-2, store: s-1, device_info: POS-1}
            """
        #expect(throws: ConfigErrors.self) { try ConfigParser.parse(yaml: yaml) }
    }
}
