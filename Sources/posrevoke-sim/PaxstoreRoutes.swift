import Foundation
import Glibc
import PosrevokeCore
import PosrevokeSimulation

/// PAXSTORE's open API at `/tms/paxstore/v1/3rdsys/...`, played by `SimulatedPaxstore`; this only maps HTTP to it.
/// `GET /tms/paxstore/_stats` answers its counters, unsigned.
struct PaxstoreRoutes: Sendable {
    static let prefix = "/tms/paxstore"
    let paxstore: SimulatedPaxstore

    func handle(method: String, uri: String, signature: String?, body: Data, now: Date) -> SimReply {
        let reply = paxstore.handle(
            method: method,
            uri: String(uri.dropFirst(Self.prefix.count)),
            signature: signature,
            body: body,
            now: now
        )
        return SimReply(status: reply.status, body: reply.body, fault: nil, headers: reply.headers.map { ($0, $1) })
    }

    static func failure(_ status: Int, _ message: String) -> SimReply {
        let body =
            (try? JSONSerialization.data(withJSONObject: ["businessCode": status, "message": message])) ?? Data()
        return SimReply(status: status, body: body, fault: nil)
    }
}

/// The `--paxstore` directory: the access secret, made at run time and kept (mode 600, directory 700), and the
/// `tms.yaml` fragment that points posrevoked at the simulator. Nothing here is ever committed.
struct PaxstoreFiles {
    static let accessKey = "POSREVOKESIM0001"
    static let secretName = "paxstore-secret"
    let directory: String
    let secret: String

    /// Loads the secret from `directory`, making it when missing.
    init(directory: String) throws {
        let absolute = URL(
            fileURLWithPath: directory,
            relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        )
        self.directory = absolute.standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        chmod(self.directory, 0o700)
        let path = "\(self.directory)/\(Self.secretName)"
        if let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        {
            secret = text
            chmod(path, 0o600)
        } else {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            var generator = SystemRandomNumberGenerator()
            secret = String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
            try Self.write(path, secret + "\n")
        }
    }

    /// The `tms:` section for a posrevoked config, with the simulator at `base`.
    func fragment(base: String) -> String {
        let providers = CreditProvider.allCases.map(\.rawValue)
        let parameters = providers.map {
            "      \($0): {template: pay.xml, pid: \($0).enabled, off: \"false\", on: \"true\"}"
        }
        let plugins = CreditProvider.allCases.map { "\($0.rawValue): \(SimulatedPaxstore.pluginPackage(for: $0))" }
        let lines =
            [
                "# Written by posrevoke-sim: its PAXSTORE at \(base). The secret is made at run time.",
                "tms:",
                "  paxstore:",
                "    base_url: \"\(base)\(PaxstoreRoutes.prefix)\"",
                "    api_key: \(Self.accessKey)",
                "    api_secret_file: \"\(directory)/\(Self.secretName)\"",
                "    package_name: \(SimulatedPaxstore.paymentPackage)",
                "    app_version: \"2.0.0\"",
                "    parameters:",
            ] + parameters + [
                "    plugin_packages: {\(plugins.joined(separator: ", "))}"
            ]
        return lines.joined(separator: "\n") + "\n"
    }

    func writeFragment(base: String) throws {
        try Self.write("\(directory)/tms.yaml", fragment(base: base))
    }

    private static func write(_ path: String, _ text: String) throws {
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw RealPlatformKeys.Failure(description: "cannot write \(path)") }
        chmod(path, 0o600)
    }
}
