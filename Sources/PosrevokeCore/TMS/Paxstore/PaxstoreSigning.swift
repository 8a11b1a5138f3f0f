import Crypto
import Foundation

/// Signs PAXSTORE third-party-system requests as its SDKs do: the query carries `sysKey` and `timestamp`, and the
/// `signature` header is the uppercase hex HMAC-SHA256 of the query string exactly as sent, keyed by the access
/// secret. The body is not signed.
public enum PaxstoreSigning {
    /// The query as sent: `sysKey`, `timestamp` (epoch ms), then the call's own parameters, each percent-encoded.
    public static func query(_ parameters: [(String, String)], key: String, timestamp: Int64) -> String {
        ([("sysKey", key), ("timestamp", String(timestamp))] + parameters)
            .map { "\(encode($0.0))=\(encode($0.1))" }
            .joined(separator: "&")
    }

    /// The `signature` header for `query` (without the `?`).
    public static func signature(query: String, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(query.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { byte in
            let digits = Array("0123456789ABCDEF".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `signature` is `query`'s, compared in constant time; any text is safe to pass.
    public static func isValid(signature: String, query: String, secret: String) -> Bool {
        let expected = Array(Self.signature(query: query, secret: secret).utf8)
        let given = Array(signature.uppercased().utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Unreserved characters stay, everything else is percent-encoded (RFC 3986), so the query is unambiguous.
    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
}
