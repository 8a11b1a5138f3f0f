public import Foundation

/// An Alipay gateway answer, `{"<method with . as _>_response": {…}, "sign": "…"}` (or `error_response`), with the
/// raw text of the response object exactly as received: that text, not a re-encoding, is what Alipay signed.
public struct AlipayResponse: Sendable, Equatable {
    /// `alipay_user_agreement_unsign_response` or `error_response`.
    public var name: String
    /// The response object's bytes as received.
    public var content: Data
    public var sign: String?

    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The key an answer to `method` carries.
    public static func responseName(_ method: String) -> String {
        method.replacingOccurrences(of: ".", with: "_") + "_response"
    }

    /// Splits `body` into its response object and signature; the first of `<method>_response` or `error_response`.
    public init(body: Data, method: String) throws(Malformed) {
        let members = try Self.topLevelMembers(Array(body))
        let wanted = Self.responseName(method)
        guard
            let member = members.first(where: { $0.key == wanted })
                ?? members.first(where: { $0.key == "error_response" })
        else { throw Malformed(description: "the answer has no '\(wanted)' or 'error_response' object") }
        guard member.value.first == UInt8(ascii: "{") else {
            throw Malformed(description: "'\(member.key)' is not an object")
        }
        self.name = member.key
        self.content = Data(member.value)
        if let raw = members.first(where: { $0.key == "sign" })?.value {
            guard let sign = try? JSONDecoder().decode(String.self, from: Data(raw)) else {
                throw Malformed(description: "'sign' is not a string")
            }
            self.sign = sign
        } else {
            self.sign = nil
        }
    }

    /// True when `sign` is the Alipay public key's RSA2 signature over the raw response object.
    public func isSigned(by key: RSAVerifyingKey) -> Bool {
        guard let sign, let signature = Data(base64Encoded: sign) else { return false }
        return key.isValidSignature(signature, for: content)
    }

    /// The most members and nesting an answer may have; real answers have two members and little nesting.
    static let maxMembers = 64
    static let maxDepth = 32

    /// The top-level members of a JSON object: each key decoded, each value as its raw bytes.
    static func topLevelMembers(_ bytes: [UInt8]) throws(Malformed) -> [(key: String, value: ArraySlice<UInt8>)] {
        var scanner = JSONScanner(bytes: bytes)
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: "{")) else { throw Malformed(description: "the answer is not a JSON object") }
        var members: [(key: String, value: ArraySlice<UInt8>)] = []
        scanner.skipSpace()
        if scanner.take(UInt8(ascii: "}")) { return members }
        while true {
            guard members.count < maxMembers else { throw Malformed(description: "the answer has too many members") }
            scanner.skipSpace()
            let keyStart = scanner.position
            guard scanner.skipString() else { throw Malformed(description: "a key is not a string") }
            guard let key = try? JSONDecoder().decode(String.self, from: Data(bytes[keyStart..<scanner.position]))
            else {
                throw Malformed(description: "a key is not a valid string")
            }
            scanner.skipSpace()
            guard scanner.take(UInt8(ascii: ":")) else { throw Malformed(description: "a ':' is missing") }
            scanner.skipSpace()
            let valueStart = scanner.position
            guard scanner.skipValue(depth: 0) else { throw Malformed(description: "a value is not valid JSON") }
            members.append((key, bytes[valueStart..<scanner.position]))
            scanner.skipSpace()
            if scanner.take(UInt8(ascii: ",")) { continue }
            guard scanner.take(UInt8(ascii: "}")) else { throw Malformed(description: "a ',' or '}' is missing") }
            scanner.skipSpace()
            guard scanner.atEnd else { throw Malformed(description: "text follows the answer's object") }
            return members
        }
    }
}

/// Skips over JSON values without building them, so their raw bytes can be kept. Bounded in depth; never traps.
struct JSONScanner {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position >= bytes.count }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    /// A string with its quotes; escapes are skipped, not checked (the decoder checks what is used).
    mutating func skipString() -> Bool {
        guard take(UInt8(ascii: "\"")) else { return false }
        while let byte = current {
            position += 1
            if byte == UInt8(ascii: "\\") {
                guard current != nil else { return false }
                position += 1
            } else if byte == UInt8(ascii: "\"") {
                return true
            } else if byte < 0x20 {
                return false
            }
        }
        return false
    }

    mutating func skipValue(depth: Int) -> Bool {
        guard depth < AlipayResponse.maxDepth, let byte = current else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipSpace()
            if take(close) { return true }
            while true {
                if byte == UInt8(ascii: "{") {
                    guard skipString() else { return false }
                    skipSpace()
                    guard take(UInt8(ascii: ":")) else { return false }
                    skipSpace()
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipSpace()
                if take(close) { return true }
                guard take(UInt8(ascii: ",")) else { return false }
                skipSpace()
            }
        default:
            // Numbers and literals: the characters they may hold.
            let start = position
            while let next = current, next >= 0x21, !",}]:\"{[".utf8.contains(next) { position += 1 }
            return position > start
        }
    }
}
