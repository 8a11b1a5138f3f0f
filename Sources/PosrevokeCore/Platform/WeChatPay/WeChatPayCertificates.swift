import Crypto
public import Foundation
import X509

/// `AEAD_AES_256_GCM` as WeChat Pay uses it for platform certificates and callbacks: the 32-byte APIv3 key, the
/// nonce string's bytes as the IV, `associated_data` as AAD, and Base64 of the ciphertext followed by its 16-byte tag.
public enum WeChatPayAEAD {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The APIv3 key is 32 ASCII characters, used as its bytes.
    public static func isValidKey(_ key: String) -> Bool { key.utf8.count == 32 }

    public static func open(
        ciphertext: String,
        nonce: String,
        associatedData: String,
        key: String
    ) throws(Failure)
        -> Data
    {
        guard isValidKey(key) else { throw Failure(description: "the APIv3 key is not 32 bytes") }
        guard let sealed = Data(base64Encoded: ciphertext), sealed.count > 16 else {
            throw Failure(description: "the ciphertext is not Base64 of at least 17 bytes")
        }
        guard nonce.utf8.count == 12 else { throw Failure(description: "the nonce is not 12 bytes") }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: try AES.GCM.Nonce(data: Data(nonce.utf8)),
                ciphertext: sealed.dropLast(16),
                tag: sealed.suffix(16)
            )
            return try AES.GCM.open(
                box,
                using: SymmetricKey(data: Data(key.utf8)),
                authenticating: Data(associatedData.utf8)
            )
        } catch {
            throw Failure(description: "decryption failed: a wrong APIv3 key, or a damaged or forged ciphertext")
        }
    }

    /// The inverse, for the simulator.
    public static func seal(_ plaintext: Data, nonce: String, associatedData: String, key: String) throws -> String {
        let box = try AES.GCM.seal(
            plaintext,
            using: SymmetricKey(data: Data(key.utf8)),
            nonce: try AES.GCM.Nonce(data: Data(nonce.utf8)),
            authenticating: Data(associatedData.utf8)
        )
        return (box.ciphertext + box.tag).base64EncodedString()
    }
}

/// The answer of `GET /v3/certificates`: platform certificates, each encrypted with the APIv3 key.
public struct WeChatPayCertificateList: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        public var serial_no: String
        public var effective_time: String?
        public var expire_time: String?
        public var encrypt_certificate: WeChatPayEncrypted

        public init(
            serial_no: String,
            effective_time: String?,
            expire_time: String?,
            encrypt_certificate: WeChatPayEncrypted
        ) {
            self.serial_no = serial_no
            self.effective_time = effective_time
            self.expire_time = expire_time
            self.encrypt_certificate = encrypt_certificate
        }
    }

    public var data: [Item]

    public init(data: [Item]) { self.data = data }

    /// At most this many certificates are taken from one answer (the platform serves one or two).
    public static let maxItems = 16

    /// Decrypts every certificate, checks that it is what its entry says (the serial) and still valid at `now`,
    /// and returns their keys by serial. Any bad entry refuses the whole list: it did not come from the platform.
    public func keys(apiV3Key: String, now: Date) throws(WeChatPayAEAD.Failure) -> [String: RSAVerifyingKey] {
        guard !data.isEmpty, data.count <= Self.maxItems else {
            throw WeChatPayAEAD.Failure(description: "the certificate list has \(data.count) entries")
        }
        var keys: [String: RSAVerifyingKey] = [:]
        for item in data {
            let encrypted = item.encrypt_certificate
            guard encrypted.algorithm == "AEAD_AES_256_GCM" else {
                throw WeChatPayAEAD.Failure(description: "certificate encrypted with an unknown algorithm")
            }
            let pem = try WeChatPayAEAD.open(
                ciphertext: encrypted.ciphertext,
                nonce: encrypted.nonce,
                associatedData: encrypted.associated_data ?? "",
                key: apiV3Key
            )
            let certificate: Certificate
            let key: RSAVerifyingKey
            do {
                certificate = try Certificate(pemEncoded: String(decoding: pem, as: UTF8.self))
                key = RSAVerifyingKey(try RSAVerifyingKey.fromCertificate(certificate))
            } catch {
                throw WeChatPayAEAD.Failure(description: "a platform certificate is not an RSA certificate")
            }
            guard Self.serial(certificate) == item.serial_no.uppercased() else {
                throw WeChatPayAEAD.Failure(description: "a platform certificate's serial is not the one listed")
            }
            guard certificate.notValidBefore <= now, now < certificate.notValidAfter else { continue }
            keys[item.serial_no] = key
        }
        guard !keys.isEmpty else {
            throw WeChatPayAEAD.Failure(description: "no platform certificate in the list is valid now")
        }
        return keys
    }

    /// A certificate's serial as WeChat Pay writes it: upper-case hex without a leading zero byte.
    static func serial(_ certificate: Certificate) -> String {
        var bytes = certificate.serialNumber.bytes
        while bytes.count > 1, bytes.first == 0 { bytes = bytes.dropFirst() }
        return bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

/// An encrypted resource: a platform certificate, or a callback's payload.
public struct WeChatPayEncrypted: Sendable, Codable, Equatable {
    public var algorithm: String
    public var nonce: String
    public var associated_data: String?
    public var ciphertext: String

    public init(algorithm: String, nonce: String, associated_data: String?, ciphertext: String) {
        self.algorithm = algorithm
        self.nonce = nonce
        self.associated_data = associated_data
        self.ciphertext = ciphertext
    }
}
