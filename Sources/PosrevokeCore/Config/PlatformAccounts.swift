/// `platform.wechatpay`: a direct merchant's WeChat Pay APIv3 account. Secrets are credential files only.
public struct WeChatPayAccount: Sendable, Equatable {
    public static let defaultBaseURL = "https://api.mch.weixin.qq.com"

    public var baseURL = WeChatPayAccount.defaultBaseURL
    public var merchantID: String
    public var appID: String
    public var serviceID: String
    /// The merchant API certificate's serial, sent as `serial_no`.
    public var merchantSerialNo: String
    /// PKCS#8 PEM of the merchant API private key (`apiclient_key.pem`).
    public var privateKeyFile: String
    /// Public-key mode: `PUB_KEY_ID_…` and the PEM of that key. Without them, platform certificates are used.
    public var publicKeyID: String?
    public var publicKeyFile: String?
    /// The APIv3 key: decrypts platform certificates (certificate mode) and callbacks (either mode).
    public var apiV3KeyFile: String?

    public init(
        merchantID: String,
        appID: String,
        serviceID: String,
        merchantSerialNo: String,
        privateKeyFile: String
    ) {
        self.merchantID = merchantID
        self.appID = appID
        self.serviceID = serviceID
        self.merchantSerialNo = merchantSerialNo
        self.privateKeyFile = privateKeyFile
    }

    /// How answers are verified.
    public var usesPublicKey: Bool { publicKeyID != nil }
}

/// `platform.alipay`: an Alipay open-platform app calling the classic gateway with RSA2.
public struct AlipayAccount: Sendable, Equatable {
    public static let defaultGateway = "https://openapi.alipay.com/gateway.do"

    public var gateway = AlipayAccount.defaultGateway
    public var appID: String
    /// The app's RSA2 private key (PEM or the bare Base64 Alipay's key tool writes).
    public var privateKeyFile: String
    /// The Alipay public key shown in the open platform console (not the app's own public key).
    public var alipayPublicKeyFile: String

    public init(appID: String, privateKeyFile: String, alipayPublicKeyFile: String) {
        self.appID = appID
        self.privateKeyFile = privateKeyFile
        self.alipayPublicKeyFile = alipayPublicKeyFile
    }
}
