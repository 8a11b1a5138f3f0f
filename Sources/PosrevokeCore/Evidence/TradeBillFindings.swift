import Foundation

/// The Pay Score payments of a bill made after the cutover of what they are attributed to.
///
/// A Pay Score deduction is a successful `AUTH` trade whose 商户数据包 starts with `wxzff|`; an active Pay Score
/// payment is recognised by a merchant order number a terminal reported as a Pay Score payment, and belongs to
/// that terminal when 设备号 names none.
public enum TradeBillFindings {
    public static func sightings(
        _ bill: TradeBill,
        attribution: EvidenceAttribution,
        payScoreOrders: [String: String] = [:]
    ) -> [EvidenceSighting] {
        bill.rows.compactMap { row in
            guard row.tradeState == "SUCCESS", isPayScore(row, orders: payScoreOrders) else { return nil }
            var owner = attribution.owner(deviceInfo: row.deviceInfo, subMerchantID: row.subMerchantID)
            if owner.scope != .terminal, let terminal = payScoreOrders[row.outTradeNo],
                let reporter = attribution.owner(terminal: terminal)
            {
                owner = reporter
            }
            guard let cutover = owner.cutover, row.time >= cutover else { return nil }
            let serviceOrder = serviceOrderNumbers(row.attach)
            let reference = serviceOrder?.merchant ?? row.outTradeNo
            let amount = row.amount.isEmpty ? "" : " \(String(row.amount.prefix(16))) CNY"
            return EvidenceSighting(
                source: .bill,
                provider: attribution.provider,
                scope: owner.scope,
                subject: owner.subject,
                store: owner.store,
                reference: String((reference.isEmpty ? row.transactionID : reference).prefix(64)),
                time: row.time,
                detail: "\(String(row.tradeType.prefix(16)))\(amount), bill line \(row.line)"
            )
        }
    }

    /// - Parameter orders: merchant order numbers of Pay Score payments the terminals reported, by terminal.
    public static func isPayScore(_ row: TradeBillRow, orders: [String: String]) -> Bool {
        (row.tradeType == "AUTH" && row.attach.hasPrefix("wxzff|")) || orders[row.outTradeNo] != nil
    }

    /// `wxzff|<WeChat service order no>|<merchant service order no>`.
    public static func serviceOrderNumbers(_ attach: String) -> (wechat: String, merchant: String)? {
        let parts = attach.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "wxzff" else { return nil }
        return (String(parts[1]), String(parts[2]))
    }
}
