import Foundation
import Yams

/// Reads `platform:`: how each provider's platform steps are carried out, and where its API is.
enum PlatformReader {
    static func read(_ node: Node, _ section: inout PlatformSection, _ reader: NodeReader) {
        let keys = ["providers", "http", "wechatpay", "alipay", "simulation"]
        guard let fields = reader.mapping(node, "platform", keys: keys) else { return }
        if let child = fields["providers"] {
            for (key, keyNode, value) in reader.pairs(child, "platform.providers") ?? [] {
                guard let provider = CreditProvider(rawValue: key) else {
                    reader.report("platform.providers.\(key)", keyNode, "unknown provider")
                    continue
                }
                guard let text = reader.string(value, "platform.providers.\(key)") else { continue }
                guard let kind = PlatformDriverKind(rawValue: text) else {
                    let kinds = PlatformDriverKind.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.report("platform.providers.\(key)", value, "must be one of: \(kinds)")
                    continue
                }
                if let only = kind.onlyFor, only != provider {
                    reader.report(
                        "platform.providers.\(key)",
                        value,
                        "\(kind.rawValue) is the platform of \(only.rawValue), not of \(key)"
                    )
                    continue
                }
                section.providers[provider] = kind
            }
        }
        if let child = fields["http"] {
            for (key, keyNode, value) in reader.pairs(child, "platform.http") ?? [] {
                guard let provider = CreditProvider(rawValue: key) else {
                    reader.report("platform.http.\(key)", keyNode, "unknown provider")
                    continue
                }
                if let http = readHTTP(value, "platform.http.\(key)", reader) { section.http[provider] = http }
            }
        }
        for (provider, kind) in section.providers.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where kind == .http && section.http[provider] == nil {
            reader.report(
                "platform.http.\(provider.rawValue)",
                fields["providers"],
                "is required: platform.providers.\(provider.rawValue) is http"
            )
        }
        if let child = fields["wechatpay"] { section.wechatpay = PlatformAccountReader.readWeChatPay(child, reader) }
        if let child = fields["alipay"] { section.alipay = PlatformAccountReader.readAlipay(child, reader) }
        let accounts: [(PlatformDriverKind, String, Bool)] = [
            (.wechatpayV3, "wechatpay", fields["wechatpay"] != nil),
            (.alipayOpenAPI, "alipay", fields["alipay"] != nil),
        ]
        for (kind, name, present) in accounts where !present && section.providers.values.contains(kind) {
            reader.report("platform.\(name)", fields["providers"], "is required: a provider uses \(kind.rawValue)")
        }
        if let child = fields["simulation"] {
            let path = "platform.simulation"
            let keys = [
                "seed", "review_delay", "reject_share", "transient_error_share", "debit_in_progress_share",
                "max_open_orders", "forged_answer_share", "authorizations_per_store",
            ]
            guard let simulation = reader.mapping(child, path, keys: keys) else { return }
            assign(&section.simulation.seed, simulation["seed"]) {
                reader.int($0, "\(path).seed", min: 0).map(UInt64.init)
            }
            assign(&section.simulation.reviewDelay, simulation["review_delay"]) {
                reader.duration($0, "\(path).review_delay")
            }
            assign(&section.simulation.rejectShare, simulation["reject_share"]) {
                reader.double($0, "\(path).reject_share", min: 0, max: 1)
            }
            assign(&section.simulation.transientErrorShare, simulation["transient_error_share"]) {
                reader.double($0, "\(path).transient_error_share", min: 0, max: 0.9)
            }
            assign(&section.simulation.debitInProgressShare, simulation["debit_in_progress_share"]) {
                reader.double($0, "\(path).debit_in_progress_share", min: 0, max: 1)
            }
            assign(&section.simulation.maxOpenOrders, simulation["max_open_orders"]) {
                reader.int($0, "\(path).max_open_orders", min: 0, max: 100)
            }
            assign(&section.simulation.forgedAnswerShare, simulation["forged_answer_share"]) {
                reader.double($0, "\(path).forged_answer_share", min: 0, max: 0.9)
            }
            assign(&section.simulation.authorizationsPerStore, simulation["authorizations_per_store"]) {
                reader.int($0, "\(path).authorizations_per_store", min: 0, max: 1000)
            }
        }
    }

    /// `platform.http.<provider>`: url, merchant_id, service_id and key_file are required.
    static func readHTTP(_ node: Node, _ path: String, _ reader: NodeReader) -> PlatformHTTPConfig? {
        let keys = ["url", "merchant_id", "service_id", "appid", "key_file", "key_serial"]
        guard let fields = reader.mapping(node, path, keys: keys) else { return nil }
        var values: [String: String] = [:]
        for key in keys {
            guard let child = fields[key] else {
                if !["appid", "key_serial"].contains(key) { reader.report("\(path).\(key)", node, "is required") }
                continue
            }
            values[key] = reader.string(child, "\(path).\(key)")
        }
        if let url = values["url"], let urlNode = fields["url"] {
            guard let checked = ConfigParser.checkedURL(url, urlNode, "\(path).url", reader) else { return nil }
            values["url"] = checked
        }
        guard let url = values["url"], let merchant = values["merchant_id"], let service = values["service_id"],
            let keyFile = values["key_file"]
        else { return nil }
        var config = PlatformHTTPConfig(url: url, merchantID: merchant, serviceID: service, keyFile: keyFile)
        if let appID = values["appid"] { config.appID = appID }
        if let keySerial = values["key_serial"] { config.keySerial = keySerial }
        return config
    }
}
