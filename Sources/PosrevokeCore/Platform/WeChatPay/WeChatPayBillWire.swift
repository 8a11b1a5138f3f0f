import Crypto
public import Foundation

/// `GET /v3/bill/tradebill?bill_date=&bill_type=ALL&tar_type=GZIP`: where the day's bill is, and the hash of its
/// decompressed text.
public struct WeChatPayBillAnswer: Codable, Sendable, Equatable {
    public var hash_type: String
    public var hash_value: String
    public var download_url: String

    public init(hash_type: String, hash_value: String, download_url: String) {
        self.hash_type = hash_type
        self.hash_value = hash_value
        self.download_url = download_url
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case unknownHash(String)
        case hashMismatch
        case foreignURL

        public var description: String {
            switch self {
            case .unknownHash(let type): "the bill's hash type '\(type.prefix(16))' is not SHA1"
            case .hashMismatch: "the bill's SHA1 does not match the hash the platform signed"
            case .foreignURL: "the bill's download_url is not on the platform's host"
            }
        }
    }

    /// Checks the decompressed bill against the signed hash.
    public func check(_ bill: Data) throws(Refusal) {
        guard hash_type.uppercased() == "SHA1" else { throw .unknownHash(hash_type) }
        guard Self.sha1(bill) == hash_value.lowercased() else { throw .hashMismatch }
    }

    /// The download's path and query, when `download_url` is on `baseURL`'s scheme, host and port: the request is
    /// signed with the merchant's key, which must not go anywhere else.
    public func downloadTarget(baseURL: String) throws(Refusal) -> String {
        guard let url = URLComponents(string: download_url), let base = URLComponents(string: baseURL),
            url.scheme?.lowercased() == base.scheme?.lowercased(), url.host?.lowercased() == base.host?.lowercased(),
            url.port == base.port
        else { throw .foreignURL }
        let basePath = base.percentEncodedPath
        var path = url.percentEncodedPath
        // A base URL with its own path prefix (a test server) is added again by the client.
        if !basePath.isEmpty, basePath != "/", path.hasPrefix(basePath) { path.removeFirst(basePath.count) }
        guard path.hasPrefix("/") else { throw .foreignURL }
        return url.percentEncodedQuery.map { path + "?" + $0 } ?? path
    }

    /// SHA1 in lowercase hex, as the platform writes `hash_value`.
    public static func sha1(_ data: Data) -> String {
        Insecure.SHA1.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
