public import Foundation

/// Signs WeChat Pay APIv3 requests exactly as published: SHA256withRSA (PKCS#1 v1.5) with the merchant API private
/// key over five lines, `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, each ending in a bare `\n`.
///
/// The path and query are signed as sent (percent-encoded, no host); the timestamp is in seconds. A retried request
/// carries a new nonce and time and the same body.
public struct WeChatPaySigner: Sendable {
    public static let scheme = "WECHATPAY2-SHA256-RSA2048"
    private let key: RSASigningKey
    public let merchantID: String
    /// The serial number of the merchant API certificate whose key signs.
    public let serial: String

    public init(key: RSASigningKey, merchantID: String, serial: String) {
        self.key = key
        self.merchantID = merchantID
        self.serial = serial
    }

    /// The signed bytes. `body` is empty for a GET (its line is a lone `\n`).
    public static func message(method: String, target: String, timestamp: Int64, nonce: String, body: Data) -> Data {
        var message = Data("\(method)\n\(target)\n\(timestamp)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        return message
    }

    /// The `Authorization` header of one attempt.
    public func authorization(
        method: String,
        target: String,
        body: Data,
        timestamp: Int64,
        nonce: String = WeChatPayNonce.make()
    ) throws -> String {
        let message = Self.message(method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
        let signature = try key.signature(for: message).base64EncodedString()
        return "\(Self.scheme) mchid=\"\(merchantID)\",nonce_str=\"\(nonce)\",signature=\"\(signature)\","
            + "timestamp=\"\(timestamp)\",serial_no=\"\(serial)\""
    }
}

/// Nonces: 32 upper-case letters and digits, as the vendor's SDKs make them.
public enum WeChatPayNonce {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}

/// The fields of a WeChat Pay `Authorization` header, as the simulator reads them to check a request.
public struct WeChatPayAuthorization: Sendable, Equatable {
    public var merchantID: String
    public var nonce: String
    public var timestamp: String
    public var serial: String
    public var signature: String

    /// Nil when the scheme is not `WECHATPAY2-SHA256-RSA2048`, a field is missing, or the header is malformed.
    public init?(header: String) {
        let prefix = WeChatPaySigner.scheme + " "
        guard header.utf8.count <= 4096, header.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for pair in header.dropFirst(prefix.count).split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[1].count >= 2, parts[1].first == "\"", parts[1].last == "\"" else {
                return nil
            }
            fields[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        guard let merchantID = fields["mchid"], let nonce = fields["nonce_str"], !nonce.isEmpty,
            let timestamp = fields["timestamp"], let serial = fields["serial_no"], let signature = fields["signature"]
        else { return nil }
        self.merchantID = merchantID
        self.nonce = nonce
        self.timestamp = timestamp
        self.serial = serial
        self.signature = signature
    }
}
