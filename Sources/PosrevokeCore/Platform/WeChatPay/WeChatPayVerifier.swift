public import Foundation

/// The signature headers of a WeChat Pay answer or callback.
public struct WeChatPaySignatureHeaders: Sendable, Equatable {
    public var timestamp: String
    public var nonce: String
    public var signature: String
    public var serial: String
    public var signatureType: String?

    public init(timestamp: String, nonce: String, signature: String, serial: String, signatureType: String? = nil) {
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
        self.serial = serial
        self.signatureType = signatureType
    }

    /// Reads the `Wechatpay-*` headers through `header` (a case-insensitive lookup), or says which one is missing.
    public init(_ header: (String) -> String?) throws(WeChatPayVerificationError) {
        func required(_ name: String) throws(WeChatPayVerificationError) -> String {
            guard let value = header(name), !value.isEmpty else { throw .unsigned(missing: name) }
            return value
        }
        self.init(
            timestamp: try required("Wechatpay-Timestamp"),
            nonce: try required("Wechatpay-Nonce"),
            signature: try required("Wechatpay-Signature"),
            serial: try required("Wechatpay-Serial"),
            signatureType: header("Wechatpay-Signature-Type")
        )
    }
}

/// Why an answer's signature is not believed. The answer is then never taken as success.
public enum WeChatPayVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsigned(missing: String)
    /// `WECHATPAY/SIGNTEST/…`: the platform's probe, deliberately wrong.
    case probe
    case unsupportedType(String)
    case badTimestamp
    /// Signed too far from our clock (the platform's rule: 300 s or more).
    case stale(seconds: Int64)
    case unknownSerial(String)
    case badSignature

    public var description: String {
        switch self {
        case .unsigned(let name): "the answer is not signed (no \(name) header)"
        case .probe: "the answer carries WeChat Pay's signature probe (WECHATPAY/SIGNTEST/), which never verifies"
        case .unsupportedType(let type):
            "the answer is signed with '\(Self.shown(type))', not WECHATPAY2-SHA256-RSA2048"
        case .badTimestamp: "the answer's Wechatpay-Timestamp is not a number of seconds"
        case .stale(let seconds):
            "the answer was signed \(seconds) s away from this machine's clock (the limit is 300 s): "
                + "check the clock (timedatectl)"
        case .unknownSerial(let serial):
            "the answer is signed by key '\(Self.shown(serial))', which is not the configured WeChat Pay public "
                + "key nor a known platform certificate"
        case .badSignature: "the answer's signature does not verify"
        }
    }

    private static func shown(_ text: String) -> String { text.count <= 64 ? text : String(text.prefix(64)) + "…" }
}

/// Verifies answers and callbacks: `TIMESTAMP\nNONCE\nBODY\n` over the raw body, SHA256withRSA, by the key whose
/// serial the answer names: the WeChat Pay public key (`PUB_KEY_ID_…`) or a platform certificate.
public struct WeChatPayVerifier: Sendable {
    /// The platform's rule: an answer signed 300 s or more away from now is refused.
    public static let maxSkew: Int64 = 300
    public var keys: [String: RSAVerifyingKey]

    public init(keys: [String: RSAVerifyingKey]) { self.keys = keys }

    public static func message(timestamp: String, nonce: String, body: Data) -> Data {
        var message = Data("\(timestamp)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        return message
    }

    public func verify(_ headers: WeChatPaySignatureHeaders, body: Data, now: Date) throws(WeChatPayVerificationError) {
        if headers.signature.hasPrefix("WECHATPAY/SIGNTEST/") { throw .probe }
        if let type = headers.signatureType, type != WeChatPaySigner.scheme { throw .unsupportedType(type) }
        guard headers.timestamp.utf8.count <= 12, headers.timestamp.utf8.allSatisfy({ (48...57).contains($0) }),
            let timestamp = Int64(headers.timestamp)
        else { throw .badTimestamp }
        let skew = Int64(now.timeIntervalSince1970.rounded(.down)) - timestamp
        guard skew.magnitude < UInt64(Self.maxSkew) else { throw .stale(seconds: skew) }
        guard let key = keys[headers.serial] else { throw .unknownSerial(headers.serial) }
        guard let signature = Data(base64Encoded: headers.signature),
            key.isValidSignature(
                signature,
                for: Self.message(timestamp: headers.timestamp, nonce: headers.nonce, body: body)
            )
        else { throw .badSignature }
    }
}
