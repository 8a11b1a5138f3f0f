import Foundation
import PosrevokeCore
import PosrevokeDaemon
import Testing

@Suite("Transaction backups")
struct BackupsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func transactions(_ n: Int) -> [Transaction] {
        (1...n).map {
            Transaction(
                seq: Int64($0),
                id: "t-1-\($0)",
                time: now,
                method: .creditScorePay,
                provider: "wechat-payscore",
                amountMinor: 100,
                currency: "CNY",
                outcome: .approved,
                errorCode: nil
            )
        }
    }

    @Test("a backup is written with a SHA-256 manifest and verifies")
    func roundTrip() throws {
        let dir = try TestDirectory()
        let backups = Backups(stateDirectory: dir.path)
        let manifest = try backups.write(plan: "p", terminal: "t-1", transactions: transactions(5), now: now)
        #expect(manifest.transactions == 5 && manifest.sha256.count == 64)
        #expect(FileManager.default.fileExists(atPath: dir.file("backups/p/t-1.jsonl")))
        #expect(try backups.verify(plan: "p", terminal: "t-1") == manifest)
        #expect(backups.latest(terminal: "t-1")?.plan == "p")
        #expect(backups.verifyAll().map(\.ok) == [true])
    }

    @Test("a tampered or truncated backup fails verification")
    func tamper() throws {
        let dir = try TestDirectory()
        let backups = Backups(stateDirectory: dir.path)
        _ = try backups.write(plan: "p", terminal: "t-1", transactions: transactions(3), now: now)
        let path = dir.file("backups/p/t-1.jsonl")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"amountMinor\":100", with: "\"amountMinor\":999")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: BackupError.self) { try backups.verify(plan: "p", terminal: "t-1") }
        #expect(backups.verifyAll().map(\.ok) == [false])
        #expect(backups.latest(terminal: "t-1") == nil)
    }

    @Test("a long history is written page by page: each page is on disk before the next is asked for")
    func streamed() throws {
        let dir = try TestDirectory()
        let backups = Backups(stateDirectory: dir.path)
        let writer = try backups.begin(plan: "p", terminal: "t-1")
        let temporary = dir.file("backups/p/t-1.jsonl.tmp")
        var written = 0
        // 8 pages of 2,000: several MiB, so verification reads it in more than one chunk.
        for page in 0..<8 {
            let batch = transactions(2000).map { transaction -> Transaction in
                var copy = transaction
                copy.seq += Int64(page * 2000)
                copy.id = "t-1-\(copy.seq)"
                return copy
            }
            try writer.append(batch)
            written += 2000
            let size = (try FileManager.default.attributesOfItem(atPath: temporary)[.size] as? Int) ?? 0
            #expect(size > 0 && size == writer.bytes, "page \(page) reached the file, not a buffer")
        }
        let manifest = try writer.finish(now: now)
        #expect(manifest.transactions == written && manifest.bytes > 1 << 20)
        #expect(!FileManager.default.fileExists(atPath: temporary))
        #expect(try backups.verify(plan: "p", terminal: "t-1") == manifest)
        // Cut the file in the middle of a line: verification notices.
        let path = dir.file("backups/p/t-1.jsonl")
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: UInt64(manifest.bytes - 10))
        try handle.close()
        #expect(throws: (any Error).self) { try backups.verify(plan: "p", terminal: "t-1") }
    }

    @Test("an abandoned backup leaves nothing behind")
    func abandoned() throws {
        let dir = try TestDirectory()
        let backups = Backups(stateDirectory: dir.path)
        let writer = try backups.begin(plan: "p", terminal: "t-1")
        try writer.append(transactions(3))
        writer.abandon()
        #expect(!FileManager.default.fileExists(atPath: dir.file("backups/p/t-1.jsonl.tmp")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("backups/p/t-1.jsonl")))
    }
}
