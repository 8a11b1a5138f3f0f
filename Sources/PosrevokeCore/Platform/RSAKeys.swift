import Crypto
import X509
import _CryptoExtras

public import struct Foundation.Data
public import struct Foundation.Date

/// Why a PEM (or bare Base64) key cannot be used; never quotes the key.
public struct RSAKeyProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// The key sizes the platforms accept: WeChat Pay names RSA2048, Alipay's RSA2 is 2048 bits; 4096 is allowed for a
/// merchant that chose it.
private let acceptedBits = 2048...4096

/// A merchant's RSA private key, for SHA256withRSA (PKCS#1 v1.5) signatures, as both platforms publish them.
public struct RSASigningKey: Sendable {
    private let key: _RSA.Signing.PrivateKey

    /// Reads PKCS#8 (`BEGIN PRIVATE KEY`, what WeChat Pay's `apiclient_key.pem` holds) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`) PEM, or the bare Base64 DER that Alipay's key tool writes.
    public init(pem text: String) throws(RSAKeyProblem) {
        let parsed: _RSA.Signing.PrivateKey
        do {
            if let der = bareBase64(text) {
                parsed = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der)
            } else {
                try requirePEM(text, labels: ["PRIVATE KEY", "RSA PRIVATE KEY"], what: "private key")
                parsed = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: text)
            }
        } catch let problem as RSAKeyProblem {
            throw problem
        } catch {
            throw RSAKeyProblem("is not an RSA private key (an EC or damaged key?)")
        }
        try checkSize(parsed.keySizeInBits)
        self.key = parsed
    }

    /// The key's own public half, for tests and the simulator.
    public var publicKey: RSAVerifyingKey { RSAVerifyingKey(key.publicKey) }

    public var pemRepresentation: String { key.pemRepresentation }

    /// SHA256withRSA, PKCS#1 v1.5.
    public func signature(for message: Data) throws -> Data {
        try key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation
    }

    /// A fresh 2048-bit key: demos and tests generate theirs at run time.
    public static func generate() throws -> RSASigningKey {
        RSASigningKey(key: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    private init(key: _RSA.Signing.PrivateKey) { self.key = key }

    /// A self-signed certificate of this key, as the simulator's WeChat Pay platform certificates; `serial` is
    /// upper-case hex.
    public func selfSignedCertificatePEM(
        serial: String,
        commonName: String,
        notBefore: Date,
        notAfter: Date
    ) throws
        -> String
    {
        var bytes: [UInt8] = []
        var digits = Array(serial.utf8)
        if digits.count % 2 == 1 { digits.insert(UInt8(ascii: "0"), at: 0) }
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw RSAKeyProblem("serial \(serial) is not hex")
            }
            bytes.append(byte)
        }
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(bytes: bytes),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: name,
            subject: name,
            extensions: Certificate.Extensions(),
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return try certificate.serializeAsPEM().pemString
    }
}

/// A platform's RSA public key, from `BEGIN PUBLIC KEY` PEM, a `BEGIN CERTIFICATE` (WeChat Pay platform
/// certificates), or the bare Base64 DER that Alipay's console shows.
public struct RSAVerifyingKey: Sendable {
    private let key: _RSA.Signing.PublicKey

    init(_ key: _RSA.Signing.PublicKey) { self.key = key }

    public init(pem text: String) throws(RSAKeyProblem) {
        let parsed: _RSA.Signing.PublicKey
        do {
            if let der = bareBase64(text) {
                parsed = try _RSA.Signing.PublicKey(unsafeDERRepresentation: der)
            } else if text.contains("-----BEGIN CERTIFICATE-----") {
                parsed = try Self.fromCertificate(try Certificate(pemEncoded: text))
            } else {
                try requirePEM(
                    text,
                    labels: ["PUBLIC KEY", "RSA PUBLIC KEY"],
                    what: "public key (or certificate)"
                )
                parsed = try _RSA.Signing.PublicKey(unsafePEMRepresentation: text)
            }
        } catch let problem as RSAKeyProblem {
            throw problem
        } catch {
            throw RSAKeyProblem("is not an RSA public key (an EC or damaged key?)")
        }
        try checkSize(parsed.keySizeInBits)
        self.key = parsed
    }

    static func fromCertificate(_ certificate: Certificate) throws(RSAKeyProblem) -> _RSA.Signing.PublicKey {
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw RSAKeyProblem("holds a certificate whose key is not RSA")
        }
        return key
    }

    public var pemRepresentation: String { key.pemRepresentation }

    /// True when `signature` is SHA256withRSA (PKCS#1 v1.5) over `message` by this key's private half.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature),
            for: SHA256.hash(data: message),
            padding: .insecurePKCS1v1_5
        )
    }
}

/// The DER bytes of text that is one Base64 block without PEM armour, or nil.
private func bareBase64(_ text: String) -> Data? {
    let compact = text.filter { !$0.isWhitespace }
    guard !compact.isEmpty, !compact.contains("-") else { return nil }
    return Data(base64Encoded: compact)
}

private func requirePEM(_ text: String, labels: [String], what: String) throws(RSAKeyProblem) {
    guard text.contains("-----BEGIN ") else {
        throw RSAKeyProblem("is not a PEM \(what): no '-----BEGIN' line, and not bare Base64 either")
    }
    guard labels.contains(where: { text.contains("-----BEGIN \($0)-----") }) else {
        let expected = labels.map { "'BEGIN \($0)'" }.joined(separator: " or ")
        throw RSAKeyProblem("is a PEM block of another kind: expected \(expected)")
    }
}

private func checkSize(_ bits: Int) throws(RSAKeyProblem) {
    guard acceptedBits.contains(bits) else {
        throw RSAKeyProblem("is a \(bits)-bit RSA key: the platforms take 2048 bits (up to 4096)")
    }
}
