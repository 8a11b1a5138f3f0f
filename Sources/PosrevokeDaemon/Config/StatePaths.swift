public import Foundation
package import PosrevokeCore

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
/// A bare name is looked up in `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`); a path is read as is.
public struct SecretFile: Sendable, CustomStringConvertible {
    public let source: String
    let value: String

    /// Reads the secret; trailing newlines are trimmed, an empty file is an error.
    public init(_ reference: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let path: String
        if reference.contains("/") {
            path = reference
        } else if let directory = environment["CREDENTIALS_DIRECTORY"] {
            path = (directory as NSString).appendingPathComponent(reference)
        } else {
            throw SecretError(
                message: "credential '\(reference)' needs $CREDENTIALS_DIRECTORY (LoadCredential=) or a path"
            )
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw SecretError(message: "cannot read credential file \(path)") }
        let trimmed = text.trimmingCharacters(in: .newlines)
        guard !trimmed.isEmpty else { throw SecretError(message: "credential file \(path) is empty") }
        source = path
        value = trimmed
    }

    /// The secret itself, for the one call that needs it.
    public func reveal() -> String { value }

    /// Never the value: logs and errors show where the secret came from, not what it is.
    public var description: String { "<secret from \(source)>" }

    public struct SecretError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
