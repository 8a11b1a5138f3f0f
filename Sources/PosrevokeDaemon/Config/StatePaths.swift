public import Foundation
public import PosrevokeCore

/// Where files live, following systemd's directory conventions before the daemon's own defaults.
package enum StatePaths {
    static let defaultConfig = "/etc/posrevoke/posrevoke.yaml"
    static let defaultStateDirectory = "/var/lib/posrevoke"

    /// `--state-dir`, then `$STATE_DIRECTORY` (first entry), then `daemon.state_dir`, then `/var/lib/posrevoke`.
    package static func stateDirectory(
        flag: String?,
        config: DaemonConfig,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let flag { return flag }
        if let fromSystemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first {
            return String(fromSystemd)
        }
        return config.daemon.stateDirectory ?? defaultStateDirectory
    }
}

/// Secrets (platform keys, bearer tokens) come from files, never from the YAML, and are never logged.
///
/// A bare name is looked up in `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`); a path is read as is, and must
/// be private to its owner (mode 600). Either way the file is at most 64 KiB and must hold a valid value of its kind
/// (`CredentialKind`): a token with a control character in it never reaches an HTTP header.
public struct SecretFile: Sendable, CustomStringConvertible {
    public let source: String
    let value: String

    /// Reads and checks the secret; trailing newlines are trimmed, an empty file is an error.
    public init(
        _ reference: String,
        kind: CredentialKind,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecretError) {
        let (path, fromPath) = try Self.locate(reference, environment: environment)
        do {
            value = try CredentialFile.read(path, kind: kind, checkPermissions: fromPath)
        } catch {
            throw SecretError(message: error.message, reason: error.reason)
        }
        source = path
    }

    /// Where `reference` is read from, and whether it was given as a path (so its permissions are checked).
    static func locate(
        _ reference: String,
        environment: [String: String]
    ) throws(SecretError) -> (path: String, fromPath: Bool) {
        if reference.contains("/") { return (reference, true) }
        guard let directory = environment["CREDENTIALS_DIRECTORY"] else {
            throw SecretError(
                message: "credential '\(reference)' needs $CREDENTIALS_DIRECTORY (LoadCredential=) or a path",
                reason: .missing
            )
        }
        return ((directory as NSString).appendingPathComponent(reference), false)
    }

    /// The secret itself, for the one call that needs it.
    public func reveal() -> String { value }

    /// Never the value: logs and errors show where the secret came from, not what it is.
    public var description: String { "<secret from \(source)>" }

    public struct SecretError: Error, CustomStringConvertible {
        public var message: String
        public var reason: CredentialFile.Failure.Reason = .invalid
        public var description: String { message }
    }
}

/// `posrevoked --check-config`: the credential files a config names, read as the daemon would read them.
///
/// A file this process cannot see (a bare name without `$CREDENTIALS_DIRECTORY`, or one it may not open while
/// another user could) is noted, not failed: the check may run as someone other than the service.
package enum CredentialCheck {
    package struct Finding: Sendable, Equatable {
        /// True when the daemon would fail on it; false for a note.
        package var isError: Bool
        package var text: String
    }

    package static func findings(
        _ config: DaemonConfig,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [Finding] {
        var references: [(String, CredentialKind, String)] = []
        for terminal in config.terminals where terminal.driver == "agent" {
            if let file = terminal.tokenFile { references.append((file, .bearerToken, "token_file of \(terminal.id)")) }
        }
        for gateway in config.gateways.values.sorted(by: { $0.name < $1.name }) {
            if let file = gateway.tokenFile {
                references.append((file, .bearerToken, "gateways.\(gateway.name).token_file"))
            }
        }
        for (provider, http) in config.platform.http.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where config.platform.providers[provider] == .http {
            references.append((http.keyFile, .signingKey, "platform.http.\(provider.rawValue).key_file"))
        }
        let kinds = Set(config.platform.providers.values)
        if let account = config.platform.wechatpay, kinds.contains(.wechatpayV3) {
            references.append((account.privateKeyFile, .rsaPrivateKey, "platform.wechatpay.private_key_file"))
            if let file = account.publicKeyFile {
                references.append((file, .rsaPublicKey, "platform.wechatpay.public_key_file"))
            }
            if let file = account.apiV3KeyFile {
                references.append((file, .apiV3Key, "platform.wechatpay.apiv3_key_file"))
            }
        }
        if let account = config.platform.alipay, kinds.contains(.alipayOpenAPI) {
            references.append((account.privateKeyFile, .rsaPrivateKey, "platform.alipay.private_key_file"))
            references.append((account.alipayPublicKeyFile, .rsaPublicKey, "platform.alipay.alipay_public_key_file"))
        }
        var seen: Set<String> = []
        var findings: [Finding] = []
        for (reference, kind, user) in references where seen.insert(reference).inserted {
            let more = references.filter { $0.0 == reference }.count - 1
            let users = more > 0 ? "\(user) and \(more) more" : user
            if !reference.contains("/"), environment["CREDENTIALS_DIRECTORY"] == nil {
                findings.append(
                    Finding(
                        isError: false,
                        text: "\(users): credential '\(reference)' not checked: $CREDENTIALS_DIRECTORY is not set "
                            + "(systemd sets it for LoadCredential=)"
                    )
                )
                continue
            }
            do {
                _ = try SecretFile(reference, kind: kind, environment: environment)
            } catch  where error.reason == .permissionDenied && geteuid() != 0 {
                findings.append(
                    Finding(isError: false, text: "\(users): \(error.message); not checked (run the check as root)")
                )
            } catch {
                findings.append(Finding(isError: true, text: "\(users): \(error.message)"))
            }
        }
        return findings
    }
}
