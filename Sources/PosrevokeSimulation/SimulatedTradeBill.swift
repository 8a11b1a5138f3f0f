public import Foundation
public import PosrevokeCore

/// The trade bill a simulated WeChat Pay merchant gets for a day: ordinary payments, and Pay Score deductions on the
/// terminals that missed the update (`scenario.missed_update`) after their cutover. They are attributed in turn by
/// 设备号, only by the store's sub-merchant (`stores:`), and by neither, as real bills do.
public struct SimulatedTradeBill: Sendable {
    public static let header =
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
        + "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
        + "手续费,费率,订单金额,申请退款金额,费率备注"
    public static let summaryHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"

    let config: DaemonConfig
    let merchantID: String
    let appID: String

    public init(config: DaemonConfig, merchantID: String, appID: String) {
        self.config = config
        self.merchantID = merchantID
        self.appID = appID
    }

    /// The bill of `date` as of `now` (a day not over yet has the payments so far), or nil for a day not begun or
    /// not `yyyy-MM-dd`.
    public func text(date: String, now: Date, lineEnd: String = "\n", malformedLine: Bool = false) -> String? {
        let schedule = BillSchedule(config: config.bills)
        guard let start = schedule.day(date), start <= now else { return nil }
        let end = min(now, start.addingTimeInterval(86400))
        let subs = Dictionary(
            config.stores.compactMap { store in store.wechatpaySubMchID.map { (store.id, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        var rows: [(time: Date, fields: [String])] = []
        let ordinary = config.terminals.sorted { $0.id < $1.id }.prefix(20)
        for (index, terminal) in ordinary.enumerated() {
            let time = start.addingTimeInterval(9 * 3600 + Double(index) * 60)
            guard time < end else { continue }
            rows.append(
                (
                    time,
                    row(time, terminal.deviceInfo ?? terminal.id, "", "JSAPI", "\(terminal.id)-\(date)-p", "12.50", "")
                )
            )
        }
        let missed = config.simulation.scenario.missedUpdate.sorted()
        for (index, id) in missed.enumerated() {
            guard let terminal = config.terminals.first(where: { $0.id == id }) else { continue }
            // In the afternoon of a past day; a few minutes ago today.
            var time = start.addingTimeInterval(14 * 3600 + Double(index) * 60)
            if time >= end { time = end.addingTimeInterval(-Double(index + 1) * 60) }
            guard time >= start, let cutover = terminal.providers[.wechatPayscore]?.cutover, time >= cutover else {
                continue
            }
            let order = "\(terminal.id)-ps-\(date)"
            let attach = "wxzff|1000000000\(index)|\(order)"
            let (device, sub): (String, String) =
                switch index % 3 {
                case 0: (terminal.deviceInfo ?? terminal.id, subs[terminal.store] ?? "")
                case 1: ("", subs[terminal.store] ?? "")
                default: ("", "")
                }
            rows.append((time, row(time, device, sub, "AUTH", order, "35.00", attach)))
        }
        rows.sort { $0.time < $1.time }
        var lines = [Self.header]
        for (index, entry) in rows.enumerated() {
            lines.append(entry.fields.map { "`" + $0 }.joined(separator: ","))
            if malformedLine && index == 0 { lines.append("`2026-13-45 99:99:99,`broken") }
        }
        lines.append(Self.summaryHeader)
        lines.append(
            ["\(rows.count)", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"].map { "`" + $0 }.joined(separator: ",")
        )
        return lines.joined(separator: lineEnd) + lineEnd
    }

    private func row(
        _ time: Date,
        _ device: String,
        _ sub: String,
        _ type: String,
        _ order: String,
        _ amount: String,
        _ attach: String
    ) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.bills.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        let two = { (value: Int?) in String(format: "%02d", value ?? 0) }
        let stamp = "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
        return [
            stamp, appID, merchantID, sub, device, "4200" + String(StableHash.fnv1a(order) % 1_000_000_000), order,
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", type, "SUCCESS", "OTHERS", "CNY", amount, "0.00", "0", "0", "0.00", "0.00",
            "",
            "", "posrevoke demo", attach, "0.00", "0.60%", amount, "0.00", "",
        ]
    }
}
