import Foundation
import Yams

/// Reads `bills:`, `callbacks:` and `stores:`: where the payment platform's own evidence comes from and whom it names.
enum EvidenceReader {
    static func readBills(_ node: Node, _ section: inout BillsSection, _ reader: NodeReader) {
        let path = "bills"
        let keys = ["enabled", "time", "time_zone", "retry_interval", "late_after", "catch_up_days"]
        guard let fields = reader.mapping(node, path, keys: keys) else { return }
        assign(&section.enabled, fields["enabled"]) { reader.bool($0, "\(path).enabled") }
        assign(&section.timeOfDay, fields["time"]) { node in
            guard let text = reader.string(node, "\(path).time") else { return nil }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
            else {
                reader.report("\(path).time", node, "must be HH:MM (24-hour), e.g. \"10:30\"")
                return nil
            }
            return hour * 60 + minute
        }
        assign(&section.timeZone, fields["time_zone"]) { node in
            guard let name = reader.string(node, "\(path).time_zone") else { return nil }
            guard let zone = TimeZone(identifier: name) else {
                reader.report("\(path).time_zone", node, "unknown time zone (an IANA name such as Asia/Shanghai)")
                return nil
            }
            return zone
        }
        assign(&section.retryInterval, fields["retry_interval"]) {
            reader.duration($0, "\(path).retry_interval", positive: true)
        }
        assign(&section.lateAfter, fields["late_after"]) { reader.duration($0, "\(path).late_after", positive: true) }
        assign(&section.catchUpDays, fields["catch_up_days"]) {
            reader.int($0, "\(path).catch_up_days", min: 1, max: 90)
        }
    }

    static func readCallbacks(_ node: Node, _ section: inout CallbacksSection, _ reader: NodeReader) {
        guard let fields = reader.mapping(node, "callbacks", keys: ["listen"]) else { return }
        section.listen = fields["listen"].flatMap { reader.listenAddress($0, "callbacks.listen") }
    }

    static func readStores(_ node: Node, _ reader: NodeReader) -> [StoreConfig] {
        guard let items = reader.sequence(node, "stores") else { return [] }
        var stores: [StoreConfig] = []
        var ids: Set<String> = []
        var subs: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let path = "stores[\(index)]"
            guard let fields = reader.mapping(item, path, keys: ["id", "wechatpay_sub_mchid"]) else { continue }
            guard let idNode = fields["id"] else {
                reader.report("\(path).id", item, "is required")
                continue
            }
            guard let id = reader.string(idNode, "\(path).id") else { continue }
            guard ids.insert(id).inserted else {
                reader.report("\(path).id", idNode, "store '\(id)' is listed twice")
                continue
            }
            var store = StoreConfig(id: id)
            if let child = fields["wechatpay_sub_mchid"], let sub = reader.string(child, "\(path).wechatpay_sub_mchid")
            {
                if !sub.allSatisfy(\.isASCII) || !sub.allSatisfy({ $0.isNumber }) || sub.count > 32 {
                    reader.report("\(path).wechatpay_sub_mchid", child, "must be the sub-merchant's number (digits)")
                } else if let other = subs[sub] {
                    reader.report("\(path).wechatpay_sub_mchid", child, "is also store '\(other)''s")
                } else {
                    subs[sub] = id
                    store.wechatpaySubMchID = sub
                }
            }
            stores.append(store)
        }
        return stores
    }

    /// Stores named in `stores:` must be in the inventory; callbacks need the WeChat Pay account and its APIv3 key;
    /// one device id names one terminal.
    static func crossCheck(_ config: DaemonConfig, stores: Set<String>, _ reader: NodeReader) {
        for (index, store) in config.stores.enumerated() where !stores.contains(store.id) {
            reader.report("stores[\(index)].id", nil, "no terminal is in store '\(store.id)'")
        }
        if config.callbacks.listen != nil {
            if config.platform.wechatpay == nil || config.platform.providers[.wechatPayscore] != .wechatpayV3 {
                reader.report(
                    "callbacks.listen",
                    nil,
                    "callbacks come from WeChat Pay: set platform.wechatpay and platform.providers.wechat-payscore: "
                        + "wechatpay-v3"
                )
            } else if config.platform.wechatpay?.apiV3KeyFile == nil {
                reader.report("callbacks.listen", nil, "needs platform.wechatpay.apiv3_key_file: it decrypts callbacks")
            }
        }
        var devices: [String: String] = [:]
        for (index, terminal) in config.terminals.enumerated() {
            guard let device = terminal.deviceInfo else { continue }
            if let other = devices[device] {
                reader.report("terminals[\(index)].device_info", nil, "'\(device)' is also terminal '\(other)''s")
            }
            devices[device] = terminal.id
        }
    }
}
