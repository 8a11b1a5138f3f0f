import Foundation
import PosrevokeCore

/// The keys WeChat Pay's answers are verified with. Public-key mode: the configured `PUB_KEY_ID_…` and its PEM,
/// read from its credential file on each use. Platform-certificate mode: the certificates from `/v3/certificates`,
/// decrypted with the APIv3 key, cached, and fetched again when an answer names a serial not in the cache (they
/// rotate) or the cache is older than `maxAge`, but not more often than `minInterval` (a forged serial must not
/// turn every answer into a download).
actor WeChatPayKeys {
    enum Mode: Sendable {
        case publicKey(id: String, file: String)
        case certificates(apiV3KeyFile: String)
    }

    let mode: Mode
    static let maxAge: TimeInterval = 12 * 3600
    static let minInterval: TimeInterval = 10
    private var certificates: [String: RSAVerifyingKey] = [:]
    /// The serial of the newest certificate in the last list, sent as `Wechatpay-Serial`.
    private var newest: String?
    private var fetchedAt: Date?
    /// Certificate downloads so far, for tests and `platform check`.
    private(set) var downloads = 0

    init(mode: Mode) { self.mode = mode }

    /// The key id a request names in `Wechatpay-Serial`: the public key's, or the newest platform certificate's
    /// once the list was fetched.
    func requestSerial() -> String? {
        switch mode {
        case .publicKey(let id, _): id
        case .certificates: newest
        }
    }

    /// In certificate mode, fetches the list when there is none yet (or it is stale), so that a request can name the
    /// newest certificate in `Wechatpay-Serial`; nothing to do in public-key mode.
    func prepare(
        now: Date,
        download: @Sendable (_ apiV3Key: String) async throws -> (keys: [String: RSAVerifyingKey], newest: String?)
    ) async throws {
        guard case .certificates = mode else { return }
        _ = try await verifier(for: nil, now: now, download: download)
    }

    /// The verifier for an answer signed by `serial`; `download` fetches and checks `/v3/certificates`.
    func verifier(
        for serial: String?,
        now: Date,
        download: @Sendable (_ apiV3Key: String) async throws -> (keys: [String: RSAVerifyingKey], newest: String?)
    ) async throws -> WeChatPayVerifier {
        switch mode {
        case .publicKey(let id, let file):
            let pem = try SecretFile.platformCredential(
                file,
                kind: .rsaPublicKey,
                setting: "platform.wechatpay.public_key_file"
            )
            do {
                return WeChatPayVerifier(keys: [id: try RSAVerifyingKey(pem: pem)])
            } catch {
                throw PlatformCallError(
                    description: "platform.wechatpay.public_key_file \(error)",
                    retryable: false
                )
            }
        case .certificates(let file):
            let stale = fetchedAt.map { now.timeIntervalSince($0) >= Self.maxAge } ?? true
            let unknown = serial.map { certificates[$0] == nil } ?? false
            let allowed = fetchedAt.map { now.timeIntervalSince($0) >= Self.minInterval } ?? true
            if stale || (unknown && allowed) {
                let key = try SecretFile.platformCredential(
                    file,
                    kind: .apiV3Key,
                    setting: "platform.wechatpay.apiv3_key_file"
                )
                (certificates, newest) = try await download(key)
                fetchedAt = now
                downloads += 1
            }
            return WeChatPayVerifier(keys: certificates)
        }
    }
}
