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
}
