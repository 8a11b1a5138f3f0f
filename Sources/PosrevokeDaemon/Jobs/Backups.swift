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
        let writer = try begin(plan: plan, terminal: terminal)
        do {
            try writer.append(transactions)
            return try writer.finish(now: now)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Starts a backup written page by page: memory stays at one page however long the history is.
    package func begin(plan: String, terminal: String) throws -> BackupWriter {
        let (dataPath, manifestPath) = try paths(plan: plan, terminal: terminal)
        try FileManager.default.createDirectory(
            atPath: (dataPath as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        return try BackupWriter(dataPath: dataPath, manifestPath: manifestPath) {
            try verify(plan: plan, terminal: terminal)
        }
    }

    /// Re-reads a backup and checks it against its manifest, a chunk at a time.
    package func verify(plan: String, terminal: String) throws -> Manifest {
        let (dataPath, manifestPath) = try paths(plan: plan, terminal: terminal)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw BackupError("no manifest at \(manifestPath)")
        }
        let manifest = try decoder.decode(Manifest.self, from: manifestData)
        guard let handle = FileHandle(forReadingAtPath: dataPath) else {
            throw BackupError("\(dataPath) is missing")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        var lines = 0
        var partial = Data()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += chunk.count
            partial.append(chunk)
            // Whole lines are decoded as they arrive; the unfinished tail waits for the next chunk.
            guard let lastNewline = partial.lastIndex(of: 0x0A) else { continue }
            for line in partial[partial.startIndex..<lastNewline].split(separator: 0x0A) {
                _ = try decoder.decode(Transaction.self, from: Data(line))
                lines += 1
            }
            partial = Data(partial[partial.index(after: lastNewline)...])
        }
        if !partial.isEmpty {
            _ = try decoder.decode(Transaction.self, from: partial)
            lines += 1
        }
        let digest = Self.hex(hasher.finalize())
        guard digest == manifest.sha256, bytes == manifest.bytes else {
            throw BackupError("\(dataPath) does not match its manifest (sha256 \(digest), expected \(manifest.sha256))")
        }
        guard lines == manifest.transactions else {
            throw BackupError(
                "\(dataPath) holds \(lines) transactions, the manifest says \(manifest.transactions)"
            )
        }
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

    static func atomicWrite(_ data: Data, to path: String) throws {
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

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// One backup being written: each page is appended to a temporary file and hashed as it goes; `finish` makes it
/// durable, renames it into place, writes the manifest and verifies the result.
package final class BackupWriter {
    /// A history longer than this is refused: a terminal that never stops paging must not fill the disk.
    package static let maxTransactions = 10_000_000

    private let dataPath: String
    private let manifestPath: String
    private let temporary: String
    private let handle: FileHandle
    private let verify: () throws -> Backups.Manifest
    private let encoder: JSONEncoder
    private var hasher = SHA256()
    package private(set) var transactions = 0
    package private(set) var bytes = 0
    private var closed = false

    init(dataPath: String, manifestPath: String, verify: @escaping () throws -> Backups.Manifest) throws {
        self.dataPath = dataPath
        self.manifestPath = manifestPath
        self.verify = verify
        temporary = dataPath + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else { throw BackupError("cannot write \(temporary)") }
        self.handle = handle
        encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
    }

    /// Appends one page, one transaction per line.
    package func append(_ page: [Transaction]) throws {
        guard transactions + page.count <= Self.maxTransactions else {
            throw BackupError(
                "the history has more than \(Self.maxTransactions) transactions; refusing to back up more"
            )
        }
        var data = Data()
        for transaction in page {
            data.append(try encoder.encode(transaction))
            data.append(0x0A)
        }
        try handle.write(contentsOf: data)
        hasher.update(data: data)
        transactions += page.count
        bytes += data.count
    }

    /// Flushes the data to disk, renames it into place, writes the manifest, and verifies both.
    package func finish(now: Date) throws -> Backups.Manifest {
        try handle.synchronize()
        closed = true
        try handle.close()
        if rename(temporary, dataPath) != 0 { throw BackupError("cannot rename \(temporary): errno \(errno)") }
        let manifest = Backups.Manifest(
            file: (dataPath as NSString).lastPathComponent,
            sha256: Backups.hex(hasher.finalize()),
            transactions: transactions,
            bytes: bytes,
            created: now
        )
        try Backups.atomicWrite(try encoder.encode(manifest), to: manifestPath)
        return try verify()
    }

    /// Drops a backup that could not be finished.
    package func abandon() {
        if !closed { try? handle.close() }
        closed = true
        unlink(temporary)
    }
}

/// A backup that could not be written or does not verify.
package struct BackupError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
