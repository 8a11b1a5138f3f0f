import Foundation
import Yams

/// Reads `platform:`: how each provider's platform steps are carried out, and where its API is.
enum PlatformReader {
    static func read(_ node: Node, _ s: inout PlatformSection, _ r: NodeReader) {
        guard let m = r.mapping(node, "platform", keys: ["providers", "http", "simulation"]) else { return }
        if let n = m["providers"] {
            for (key, keyNode, value) in r.pairs(n, "platform.providers") ?? [] {
                guard let provider = CreditProvider(rawValue: key) else {
                    r.report("platform.providers.\(key)", keyNode, "unknown provider")
                    continue
                }
                guard let text = r.string(value, "platform.providers.\(key)") else { continue }
                guard let kind = PlatformDriverKind(rawValue: text) else {
                    r.report("platform.providers.\(key)", value, "must be one of: simulated, http, manual")
                    continue
                }
                s.providers[provider] = kind
            }
        }
        if let n = m["http"] {
            for (key, keyNode, value) in r.pairs(n, "platform.http") ?? [] {
                guard let provider = CreditProvider(rawValue: key) else {
                    r.report("platform.http.\(key)", keyNode, "unknown provider")
                    continue
                }
                if let http = readHTTP(value, "platform.http.\(key)", r) { s.http[provider] = http }
            }
        }
        for (provider, kind) in s.providers.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where kind == .http && s.http[provider] == nil {
            r.report(
                "platform.http.\(provider.rawValue)",
                m["providers"],
                "is required: platform.providers.\(provider.rawValue) is http"
            )
        }
        if let n = m["simulation"] {
            let p = "platform.simulation"
            let keys = [
                "seed", "review_delay", "reject_share", "transient_error_share", "debit_in_progress_share",
                "max_open_orders",
            ]
            guard let sim = r.mapping(n, p, keys: keys) else { return }
            sim["seed"].flatMap { r.int($0, "\(p).seed", min: 0) }.map { s.simulation.seed = UInt64($0) }
            sim["review_delay"].flatMap { r.duration($0, "\(p).review_delay") }.map { s.simulation.reviewDelay = $0 }
            sim["reject_share"].flatMap { r.double($0, "\(p).reject_share", min: 0, max: 1) }
                .map { s.simulation.rejectShare = $0 }
            sim["transient_error_share"].flatMap { r.double($0, "\(p).transient_error_share", min: 0, max: 0.9) }
                .map { s.simulation.transientErrorShare = $0 }
            sim["debit_in_progress_share"].flatMap { r.double($0, "\(p).debit_in_progress_share", min: 0, max: 1) }
                .map { s.simulation.debitInProgressShare = $0 }
            sim["max_open_orders"].flatMap { r.int($0, "\(p).max_open_orders", min: 0, max: 100) }
                .map { s.simulation.maxOpenOrders = $0 }
        }
    }

    /// `platform.http.<provider>`: url, merchant_id, service_id and key_file are required.
    static func readHTTP(_ node: Node, _ p: String, _ r: NodeReader) -> PlatformHTTPConfig? {
        let keys = ["url", "merchant_id", "service_id", "appid", "key_file", "key_serial"]
        guard let m = r.mapping(node, p, keys: keys) else { return nil }
        var values: [String: String] = [:]
        for key in keys {
            guard let n = m[key] else {
                if !["appid", "key_serial"].contains(key) { r.report("\(p).\(key)", node, "is required") }
                continue
            }
            values[key] = r.string(n, "\(p).\(key)")
        }
        if let url = values["url"], let node = m["url"] {
            guard let checked = ConfigParser.checkedURL(url, node, "\(p).url", r) else { return nil }
            values["url"] = checked
        }
        guard let url = values["url"], let merchant = values["merchant_id"], let service = values["service_id"],
            let keyFile = values["key_file"]
        else { return nil }
        var config = PlatformHTTPConfig(url: url, merchantID: merchant, serviceID: service, keyFile: keyFile)
        values["appid"].map { config.appID = $0 }
        values["key_serial"].map { config.keySerial = $0 }
        return config
    }
}
