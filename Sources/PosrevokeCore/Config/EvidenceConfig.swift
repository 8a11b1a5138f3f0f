public import Foundation

/// `bills:`: the daily WeChat Pay trade bill, read for Pay Score payments after cutover (with `platform.wechatpay`).
public struct BillsSection: Sendable, Equatable {
    public var enabled = true
    /// Minutes after midnight, in `timeZone`, when yesterday's bill is fetched (the platform has it after 10:00).
    public var timeOfDay = 10 * 60 + 30
    /// The merchant's time zone: the bill's days and times are in it.
    public var timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// How long to wait before trying a bill again that could not be had or checked.
    public var retryInterval: Duration = .seconds(1800)
    /// How long after it is due a bill not yet read raises `trade-bill-missing`.
    public var lateAfter: Duration = .seconds(6 * 3600)
    /// How many days back bills are still fetched (after a stop, or while one is missing). The platform keeps 90.
    public var catchUpDays = 3
    public init() {}
}

/// `callbacks:`: the listener for the payment platform's notifications; off unless `listen` is set.
public struct CallbacksSection: Sendable, Equatable {
    /// `host:port`, loopback in practice: an HTTPS reverse proxy in front of it faces the platform.
    public var listen: String?
    public init() {}
}

/// One entry of `stores:`: what the platforms call a store.
public struct StoreConfig: Sendable, Equatable {
    public var id: String
    /// The store's sub-merchant number (特约商户号) in WeChat Pay's records, which attributes bill rows to it.
    public var wechatpaySubMchID: String?

    public init(id: String, wechatpaySubMchID: String? = nil) {
        self.id = id
        self.wechatpaySubMchID = wechatpaySubMchID
    }
}
