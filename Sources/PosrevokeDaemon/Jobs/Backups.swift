import Crypto
package import Foundation
package import PosrevokeCore

/// Transaction-history backups taken before a terminal is touched: `backups/<plan>/<terminal>.jsonl`, one
/// transaction per line, with a SHA-256 manifest beside it. Written atomically and verified by re-reading.
package struct Backups: Sendable {
    package struct Manifest: Codable, Sendable, Equatable {
        package var file: String
        package var sha256: String
        package var transactions: Int
        package var bytes: Int
        package var created: Date
    }

    /// One backup's verification result.
    package struct Verification: Codable, Sendable {
        package var plan: String
        package var terminal: String
        package var ok: Bool
        package var detail: String
    }

    package let root: String

    package init(stateDirectory: String) {
        root = (stateDirectory as NSString).appendingPathComponent("backups")
    }

    /// A plan id or terminal id becomes a file name here: one that could leave `backups/` is refused.
    private func paths(plan: String, terminal: String) throws -> (data: String, manifest: String) {
        for (what, name) in [("plan id", plan), ("terminal id", terminal)] {
            if let problem = PlanConfig.fileNameProblem(name) {
                let shown = name.debugDescription.dropFirst().dropLast()
                throw BackupError("cannot back up under \(what) '\(shown)': \(problem)")
            }
        }
        let dir = (root as NSString).appendingPathComponent(plan)
        return (
            (dir as NSString).appendingPathComponent("\(terminal).jsonl"),
            (dir as NSString).appendingPathComponent("\(terminal).manifest.json")
        )
    }

    /// Writes the history and its manifest, then verifies what landed on disk.
    package func write(plan: String, terminal: String, transactions: [Transaction], now: Date) throws -> Manifest {
        let (dataPath, manifestPath) = try paths(plan: plan, terminal: terminal)
        try FileManager.default.createDirectory(
            atPath: (dataPath as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        var data = Data()
        for transaction in transactions {
            data.append(try encoder.encode(transaction))
            data.append(0x0A)
        }
        try Self.atomicWrite(data, to: dataPath)
        let manifest = Manifest(
            file: (dataPath as NSString).lastPathComponent,
            sha256: Self.hex(SHA256.hash(data: data)),
            transactions: transactions.count,
            bytes: data.count,
            created: now
        )
        try Self.atomicWrite(try encoder.encode(manifest), to: manifestPath)
        return try verify(plan: plan, terminal: terminal)
    }

    /// Re-reads a backup and checks it against its manifest.
    package func verify(plan: String, terminal: String) throws -> Manifest {
        let (dataPath, manifestPath) = try paths(plan: plan, terminal: terminal)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw BackupError("no manifest at \(manifestPath)")
        }
        let manifest = try decoder.decode(Manifest.self, from: manifestData)
        guard let data = FileManager.default.contents(atPath: dataPath) else {
            throw BackupError("\(dataPath) is missing")
        }
        let digest = Self.hex(SHA256.hash(data: data))
        guard digest == manifest.sha256, data.count == manifest.bytes else {
            throw BackupError("\(dataPath) does not match its manifest (sha256 \(digest), expected \(manifest.sha256))")
        }
        let lines = data.split(separator: 0x0A)
        guard lines.count == manifest.transactions else {
            throw BackupError(
                "\(dataPath) holds \(lines.count) transactions, the manifest says \(manifest.transactions)"
            )
        }
        for line in lines { _ = try decoder.decode(Transaction.self, from: Data(line)) }
        return manifest
    }

    /// The newest backup of a terminal across plans, for a restore.
    package func latest(terminal: String) -> (plan: String, manifest: Manifest)? {
        let plans = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return plans.compactMap { plan in (try? verify(plan: plan, terminal: terminal)).map { (plan, $0) } }
            .max { $0.manifest.created < $1.manifest.created }
    }

    /// Verifies every backup on disk.
    package func verifyAll() -> [Verification] {
        let plans = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        return plans.flatMap { plan -> [Verification] in
            let dir = (root as NSString).appendingPathComponent(plan)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            return files.filter { $0.hasSuffix(".manifest.json") }.map { file in
                let terminal = String(file.dropLast(".manifest.json".count))
                do {
                    let manifest = try verify(plan: plan, terminal: terminal)
                    return Verification(
                        plan: plan,
                        terminal: terminal,
                        ok: true,
                        detail: "\(manifest.transactions) transactions, sha256 \(manifest.sha256.prefix(16))…"
                    )
                } catch {
                    return Verification(plan: plan, terminal: terminal, ok: false, detail: "\(error)")
                }
            }
        }
    }

    private static func atomicWrite(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw BackupError("cannot write \(temporary)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        if rename(temporary, path) != 0 { throw BackupError("cannot rename \(temporary): errno \(errno)") }
        // The rename is durable only once the directory that holds the new name is on disk.
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    private static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError("cannot open \(directory) to sync it: errno \(errno)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BackupError("cannot sync \(directory): errno \(errno)") }
    }

    private static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// A backup that could not be written or does not verify.
package struct BackupError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
