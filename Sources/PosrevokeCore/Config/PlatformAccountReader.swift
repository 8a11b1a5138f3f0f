import Yams

/// Reads `platform.wechatpay` and `platform.alipay`, the real platforms' accounts, and checks what can be checked
/// without the key files (`posrevoked --check-config` loads those too).
enum PlatformAccountReader {
    static func readWeChatPay(_ node: Node, _ reader: NodeReader) -> WeChatPayAccount? {
        let path = "platform.wechatpay"
        let required = ["mchid", "appid", "service_id", "merchant_serial_no", "private_key_file"]
        let optional = ["base_url", "public_key_id", "public_key_file", "apiv3_key_file"]
        guard let values = strings(node, path, required: required, optional: optional, reader) else { return nil }
        guard let merchantID = values["mchid"], let appID = values["appid"], let serviceID = values["service_id"],
            let serial = values["merchant_serial_no"], let privateKey = values["private_key_file"]
        else { return nil }
        if !merchantID.allSatisfy(\.isASCII) || !merchantID.allSatisfy(\.isNumber) || merchantID.count > 32 {
            reader.report("\(path).mchid", node, "must be the merchant number, digits only")
        }
        if !serial.allSatisfy(\.isHexDigit) || serial.count > 64 {
            reader.report("\(path).merchant_serial_no", node, "must be the merchant API certificate's serial, in hex")
        }
        var account = WeChatPayAccount(
            merchantID: merchantID,
            appID: appID,
            serviceID: serviceID,
            merchantSerialNo: serial.uppercased(),
            privateKeyFile: privateKey
        )
        if let url = values["base_url"], let urlNode = node.mapping?["base_url"] {
            guard let checked = ConfigParser.checkedURL(url, urlNode, "\(path).base_url", reader) else { return nil }
            account.baseURL = checked
        }
        account.publicKeyID = values["public_key_id"]
        account.publicKeyFile = values["public_key_file"]
        account.apiV3KeyFile = values["apiv3_key_file"]
        switch (account.publicKeyID, account.publicKeyFile) {
        case (let id?, _?):
            if !id.hasPrefix("PUB_KEY_ID_") {
                reader.report("\(path).public_key_id", node, "must be the WeChat Pay public key's id, PUB_KEY_ID_…")
            }
        case (_?, nil):
            reader.report("\(path).public_key_file", node, "is required with public_key_id (the PEM of that key)")
        case (nil, _?):
            reader.report("\(path).public_key_id", node, "is required with public_key_file (its PUB_KEY_ID_…)")
        case (nil, nil):
            if account.apiV3KeyFile == nil {
                reader.report(
                    path,
                    node,
                    "has no way to verify WeChat Pay's answers: set public_key_id and public_key_file (public-key "
                        + "mode), or apiv3_key_file (platform-certificate mode)"
                )
            }
        }
        return account
    }

    static func readAlipay(_ node: Node, _ reader: NodeReader) -> AlipayAccount? {
        let path = "platform.alipay"
        let required = ["app_id", "private_key_file", "alipay_public_key_file"]
        guard let values = strings(node, path, required: required, optional: ["gateway"], reader),
            let appID = values["app_id"], let privateKey = values["private_key_file"],
            let publicKey = values["alipay_public_key_file"]
        else { return nil }
        if !appID.allSatisfy(\.isASCII) || !appID.allSatisfy(\.isNumber) || appID.count > 32 {
            reader.report("\(path).app_id", node, "must be the app's id, digits only")
        }
        var account = AlipayAccount(appID: appID, privateKeyFile: privateKey, alipayPublicKeyFile: publicKey)
        if let url = values["gateway"], let urlNode = node.mapping?["gateway"] {
            guard let checked = ConfigParser.checkedURL(url, urlNode, "\(path).gateway", reader) else { return nil }
            account.gateway = checked
        }
        return account
    }

    /// The section's string values by key; missing required keys are reported.
    private static func strings(
        _ node: Node,
        _ path: String,
        required: [String],
        optional: [String],
        _ reader: NodeReader
    ) -> [String: String]? {
        guard let fields = reader.mapping(node, path, keys: required + optional) else { return nil }
        var values: [String: String] = [:]
        for key in required + optional {
            guard let child = fields[key] else {
                if required.contains(key) { reader.report("\(path).\(key)", node, "is required") }
                continue
            }
            values[key] = reader.string(child, "\(path).\(key)")
        }
        return values
    }
}
