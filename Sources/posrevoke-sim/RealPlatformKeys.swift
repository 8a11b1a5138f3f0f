import Foundation
import Glibc
import PosrevokeCore

/// The keys of the real-platform simulators, made at run time in one directory (kept there, so a restarted simulator
/// answers with the same keys): the merchant's and the Alipay app's private keys and the platforms' public keys for
/// the daemon, the platforms' own private keys for the simulator, the APIv3 key, and a `platform.yaml` fragment
/// that points posrevoked at the simulator. Nothing here is ever committed.
struct RealPlatformKeys {
    /// The simulated merchant's identity, in the fragment; not secrets.
    static let merchantID = "1900000001"
    static let appID = "wx8888888888888888"
    static let serviceID = "00004000000000123456"
    static let merchantSerial = "3775B6A45ACD588826D15E583A95F5DD00000000"
    static let publicKeyID = "PUB_KEY_ID_0000000000000024101100397200000006"
    static let firstCertificateSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    static let alipayAppID = "2021000000000001"

    let directory: String
    let merchant: RSASigningKey
    let wechatPlatform: RSASigningKey
    let apiV3Key: String
    let alipayApp: RSASigningKey
    let alipayPlatform: RSASigningKey

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Loads the keys from `directory`, making the missing ones.
    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o700)
        merchant = try Self.key(directory, "wechatpay-merchant-key.pem")
        wechatPlatform = try Self.key(directory, "wechatpay-platform-key.pem")
        alipayApp = try Self.key(directory, "alipay-app-key.pem")
        alipayPlatform = try Self.key(directory, "alipay-platform-key.pem")
        apiV3Key = try Self.text(directory, "wechatpay-apiv3-key") {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            var generator = SystemRandomNumberGenerator()
            return String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        }
        try Self.write(directory, "wechatpay-public-key.pem", wechatPlatform.publicKey.pemRepresentation)
        try Self.write(directory, "alipay-public-key.pem", alipayPlatform.publicKey.pemRepresentation)
    }

    /// The `platform:` section for a posrevoked config, with the simulator at `base`.
    func fragment(base: String, certificates: Bool) -> String {
        let path = { (name: String) in "\"\(directory)/\(name)\"" }
        var lines = [
            "# Written by posrevoke-sim: the real-platform simulators at \(base). Keys made at run time.",
            "platform:",
            "  providers: {wechat-payscore: wechatpay-v3, alipay-credit: alipay-openapi}",
            "  wechatpay:",
            "    base_url: \"\(base)/platform/wechatpay\"",
            "    mchid: \"\(Self.merchantID)\"",
            "    appid: \(Self.appID)",
            "    service_id: \"\(Self.serviceID)\"",
            "    merchant_serial_no: \(Self.merchantSerial)",
            "    private_key_file: \(path("wechatpay-merchant-key.pem"))",
            "    apiv3_key_file: \(path("wechatpay-apiv3-key"))",
        ]
        if !certificates {
            lines += [
                "    public_key_id: \(Self.publicKeyID)",
                "    public_key_file: \(path("wechatpay-public-key.pem"))",
            ]
        }
        lines += [
            "  alipay:",
            "    gateway: \"\(base)/platform/alipay/gateway.do\"",
            "    app_id: \"\(Self.alipayAppID)\"",
            "    private_key_file: \(path("alipay-app-key.pem"))",
            "    alipay_public_key_file: \(path("alipay-public-key.pem"))",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    func writeFragment(base: String, certificates: Bool, authorizations: String) throws {
        try Self.write(directory, "platform.yaml", fragment(base: base, certificates: certificates))
        try Self.write(directory, "authorizations.csv", authorizations)
    }

    private static func key(_ directory: String, _ name: String) throws -> RSASigningKey {
        let pem = try text(directory, name) { try RSASigningKey.generate().pemRepresentation }
        do {
            return try RSASigningKey(pem: pem)
        } catch {
            throw Failure(description: "\(directory)/\(name) \(error)")
        }
    }

    /// The file's text, or `make()` written to it first (mode 600).
    private static func text(_ directory: String, _ name: String, make: () throws -> String) throws -> String {
        let path = "\(directory)/\(name)"
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
            return text.trimmingCharacters(in: .newlines)
        }
        let text = try make()
        try write(directory, name, text)
        return text
    }

    private static func write(_ directory: String, _ name: String, _ text: String) throws {
        let path = "\(directory)/\(name)"
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data((text + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw Failure(description: "cannot write \(path)") }
        chmod(path, 0o600)
    }
}
