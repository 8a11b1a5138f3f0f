import Glibc

/// What a credential file may hold, checked when it is read, so a damaged or pasted-wrong secret is refused with an
/// error naming the file, never sent in a header (where the HTTP client's own error would echo it) or logged.
///
/// No check ever puts the value, or any part of it, into its message.
public enum CredentialKind: Sendable, Equatable {
    /// A terminal agent's bearer token (`token_file`): token68 characters (RFC 7235) only.
    case bearerToken
    /// A payment platform's signing key (`key_file`): printable ASCII (spaces allowed) on one line.
    case signingKey
    /// A merchant's RSA private key (`private_key_file`): PEM, or bare Base64 DER, 2048 to 4096 bits.
    case rsaPrivateKey
    /// A platform's RSA public key or certificate (`public_key_file`, `alipay_public_key_file`).
    case rsaPublicKey
    /// WeChat Pay's APIv3 key (`apiv3_key_file`): 32 printable ASCII characters, used as their bytes.
    case apiV3Key

    /// The longest value accepted, in bytes.
    public var maxLength: Int {
        switch self {
        case .bearerToken: 4096
        case .signingKey: 1024
        case .rsaPrivateKey, .rsaPublicKey: 16384
        case .apiV3Key: 32
        }
    }

    /// What the file is, for messages.
    public var noun: String {
        switch self {
        case .bearerToken: "bearer token"
        case .signingKey: "signing key"
        case .rsaPrivateKey: "RSA private key"
        case .rsaPublicKey: "RSA public key"
        case .apiV3Key: "APIv3 key"
        }
    }

    /// Why `value` (already trimmed of trailing newlines) is not a valid credential of this kind, or nil.
    public func problem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return "is empty" }
        if bytes.count > maxLength { return "holds more than \(maxLength) bytes: not a \(noun)" }
        switch self {
        case .bearerToken:
            // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
            let body = bytes.prefix { $0 != UInt8(ascii: "=") }
            let padding = bytes.dropFirst(body.count)
            guard !body.isEmpty, body.allSatisfy(Self.isToken68), padding.allSatisfy({ $0 == UInt8(ascii: "=") })
            else {
                return "is not a bearer token: only letters, digits and - . _ ~ + / (then = padding) are allowed, "
                    + "on one line"
            }
        case .signingKey:
            guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                return "is not a signing key: only printable ASCII is allowed, on one line"
            }
        case .apiV3Key:
            guard bytes.count == 32, bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                return "is not an APIv3 key: it is 32 printable ASCII characters (as set in the merchant portal)"
            }
        case .rsaPrivateKey:
            do {
                _ = try RSASigningKey(pem: value)
            } catch {
                return error.description
            }
        case .rsaPublicKey:
            do {
                _ = try RSAVerifyingKey(pem: value)
            } catch {
                return error.description
            }
        }
        return nil
    }

    private static func isToken68(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"):
            true
        default: false
        }
    }
}

/// The file-level rules for credential files.
public enum CredentialFileRules {
    /// The largest credential file read; anything bigger is refused without reading it.
    public static let maxFileSize = 64 * 1024

    /// Why a credential file given as a path with these permission bits must not be used, or nil.
    ///
    /// Files under `$CREDENTIALS_DIRECTORY` are exempt: systemd makes them and their directory private.
    public static func permissionProblem(mode: UInt32, path: String) -> String? {
        guard mode & 0o077 != 0 else { return nil }
        let octal = String(mode & 0o777, radix: 8)
        return "credential file \(path) is open to its group or to others (mode \(octal)): "
            + "run chmod 600 \(path), or pass it with systemd LoadCredential="
    }
}

/// Reads one credential file by path with the rules above: a regular file, at most `maxFileSize` bytes, private
/// to its owner unless it came from `$CREDENTIALS_DIRECTORY`, trailing newlines trimmed, checked for its kind.
///
/// Shared by the daemon and `posrevoke-sim`; every error names the file and the fix, never the value.
public enum CredentialFile {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// The file (or a directory on its path) does not exist.
            case missing
            /// This process may not open it.
            case permissionDenied
            /// Anything else: open to others, too large, not a regular file, not a valid credential.
            case invalid
        }
        public var reason: Reason
        public var message: String
        public var description: String { message }
    }

    public static func read(
        _ path: String,
        kind: CredentialKind,
        checkPermissions: Bool
    ) throws(Failure) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            let reason: Failure.Reason =
                code == ENOENT || code == ENOTDIR
                ? .missing
                : code == EACCES || code == EPERM
                    ? .permissionDenied
                    : .invalid
            let what = reason == .missing ? "does not exist" : "cannot be opened (\(String(cString: strerror(code))))"
            throw Failure(reason: reason, message: "credential file \(path) \(what)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw Failure(reason: .invalid, message: "credential file \(path) cannot be examined")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(reason: .invalid, message: "credential file \(path) is not a regular file")
        }
        if checkPermissions, let problem = CredentialFileRules.permissionProblem(mode: UInt32(info.st_mode), path: path)
        {
            throw Failure(reason: .invalid, message: problem)
        }
        guard Int(info.st_size) <= CredentialFileRules.maxFileSize else {
            throw Failure(
                reason: .invalid,
                message: "credential file \(path) is larger than \(CredentialFileRules.maxFileSize) bytes: "
                    + "not a \(kind.noun)"
            )
        }
        var bytes = [UInt8](repeating: 0, count: CredentialFileRules.maxFileSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return Glibc.read(fd, base + count, buffer.count - count)
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw Failure(reason: .invalid, message: "credential file \(path) cannot be read")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= CredentialFileRules.maxFileSize else {
            throw Failure(
                reason: .invalid,
                message: "credential file \(path) is larger than \(CredentialFileRules.maxFileSize) bytes: "
                    + "not a \(kind.noun)"
            )
        }
        guard let text = String(validating: bytes[0..<count], as: UTF8.self) else {
            throw Failure(reason: .invalid, message: "credential file \(path) is not UTF-8 text: not a \(kind.noun)")
        }
        var value = Substring(text)
        while let last = value.last, last == "\n" || last == "\r\n" || last == "\r" { value = value.dropLast() }
        if let problem = kind.problem(String(value)) {
            throw Failure(reason: .invalid, message: "credential file \(path) \(problem)")
        }
        return String(value)
    }
}
