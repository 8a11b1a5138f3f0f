import Crypto
public import Foundation

/// Signs payment-platform requests the way WeChat Pay APIv3 lays them out (`METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n`),
/// with an HMAC-SHA256 key the merchant shares with the platform.
///
/// The daemon signs, `posrevoke-sim` verifies; a fresh nonce and the current time go into every attempt, so a
/// replayed request is refused while a retried one (same body, new nonce) is not.
public struct PlatformSigner: Sendable {
    public static let scheme = "POSREVOKE-HMAC-SHA256"
    private let secret: Data
    public let merchantID: String
    public let serial: String

    public init(secret: String, merchantID: String, serial: String) {
        self.secret = Data(secret.utf8)
        self.merchantID = merchantID
        self.serial = serial
    }

    /// The bytes that are signed: method, path with query, timestamp, nonce and body, each ending in a newline.
    public static func message(method: String, path: String, timestamp: Int64, nonce: String, body: Data) -> Data {
        var message = Data("\(method)\n\(path)\n\(timestamp)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        return message
    }

    /// The `Authorization` header value for one attempt.
    public func authorization(
        method: String,
        path: String,
        body: Data,
        timestamp: Int64,
        nonce: String = UUID().uuidString.replacingOccurrences(of: "-", with: "")
    ) -> String {
        let message = Self.message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
        let signature = Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
            .base64EncodedString()
        let fields = PlatformAuthorization(
            merchantID: merchantID,
            nonce: nonce,
            timestamp: timestamp,
            serial: serial,
            signature: signature
        )
        return fields.header
    }

    /// True when a signed `timestamp` is within `window` seconds of `now`; any `Int64` is safe to pass.
    public static func isFresh(_ timestamp: Int64, now: Int64, window: Int64) -> Bool {
        timestamp >= now.subtractingReportingOverflow(window).partialValue
            && timestamp <= now.addingReportingOverflow(window).partialValue
    }

    /// True when `authorization` signs exactly this request with this key.
    public func verifies(_ authorization: PlatformAuthorization, method: String, path: String, body: Data) -> Bool {
        guard let signature = Data(base64Encoded: authorization.signature) else { return false }
        let message = Self.message(
            method: method,
            path: path,
            timestamp: authorization.timestamp,
            nonce: authorization.nonce,
            body: body
        )
        return HMAC<SHA256>.isValidAuthenticationCode(
            signature,
            authenticating: message,
            using: SymmetricKey(data: secret)
        )
    }
}

/// The fields of a signed request's `Authorization` header:
/// `POSREVOKE-HMAC-SHA256 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`.
public struct PlatformAuthorization: Sendable, Equatable {
    public var merchantID: String
    public var nonce: String
    public var timestamp: Int64
    public var serial: String
    public var signature: String

    public init(merchantID: String, nonce: String, timestamp: Int64, serial: String, signature: String) {
        self.merchantID = merchantID
        self.nonce = nonce
        self.timestamp = timestamp
        self.serial = serial
        self.signature = signature
    }

    public var header: String {
        "\(PlatformSigner.scheme) mchid=\"\(merchantID)\",nonce_str=\"\(nonce)\",timestamp=\"\(timestamp)\","
            + "serial_no=\"\(serial)\",signature=\"\(signature)\""
    }

    /// Reads a header; nil when the scheme is not ours or a field is missing.
    public init?(header: String) {
        let prefix = PlatformSigner.scheme + " "
        guard header.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for pair in header.dropFirst(prefix.count).split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[1].count >= 2, kv[1].first == "\"", kv[1].last == "\"" else { return nil }
            fields[kv[0].trimmingCharacters(in: .whitespaces)] = String(kv[1].dropFirst().dropLast())
        }
        guard let merchantID = fields["mchid"], let nonce = fields["nonce_str"], !nonce.isEmpty,
            let timestamp = fields["timestamp"].flatMap({ Int64($0) }), let serial = fields["serial_no"],
            let signature = fields["signature"]
        else { return nil }
        self.init(merchantID: merchantID, nonce: nonce, timestamp: timestamp, serial: serial, signature: signature)
    }
}
