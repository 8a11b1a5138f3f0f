import Foundation
import PosrevokeControl
import PosrevokeCore
import Testing

/// The daily digest and feedback entries in a real private journald.
@Suite(
    "Feedback in the journal",
    .serialized,
    .enabled(if: PrivateJournal.isAvailable, "needs root, unshare and systemd-journald")
)
struct FeedbackJournalTests {
    func start(
        _ dir: TestDirectory,
        journalIn journalDir: TestDirectory,
        config: String
    ) throws -> (DaemonProcess, PrivateJournal, String) {
        let journal = PrivateJournal(directory: journalDir)
        let socket = dir.file("control.sock")
        try? FileManager.default.removeItem(atPath: socket)
        let daemon = try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--control-socket", socket, "--log-target",
                "journal",
            ],
            journal: journal,
            log: journalDir.file("daemon.log")
        )
        #expect(eventually(timeout: 20) { FileManager.default.fileExists(atPath: socket) })
        return (daemon, journal, socket)
    }

    @Test(
        "the digest is written once per day per plan, with its fields, and survives a restart without repeating",
        .timeLimit(.minutes(3))
    )
    func digest() throws {
        let dir = try TestDirectory()
        let yesterday = Date().addingTimeInterval(-86400)
        let day = String(yesterday.formatted(.iso8601.year().month().day().dateSeparator(.dash)).prefix(10))
        // The plan waits for a window years away, so it stays unfinished; the digest is due from midnight UTC.
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 1s}
            simulation: {seed: 4, transactions_per_minute: 10, feedback_per_hour: 0}
            feedback: {digest: {at: "00:00", time_zone: UTC}}
            plans:
              - {id: west, window: {not_before: 2099-01-01T00:00:00Z}}
            terminals:
              - {id: t-1, store: s-1, providers: {wechat-payscore: {state: active}}}
              - {id: t-2, store: s-2, providers: {wechat-payscore: {state: active}}}

            """
        )
        let csv = try dir.write(
            "survey.csv",
            """
            time,terminal,rating,category,comment
            \(day) 09:00,t-1,1,wants-credit-pay,SECRET-COMMENT-一
            \(day) 10:00,t-2,5,other,SECRET-COMMENT-二
            \(day) 11:00,t-2,2,payment-failed,SECRET-COMMENT-三

            """
        )
        let firstJournal = try TestDirectory("journal-1")
        var (daemon, journal, socket) = try start(dir, journalIn: firstJournal, config: config)
        // The scheduled task writes yesterday's (empty) digest by itself.
        let pid = try journal.waitForPID()
        let automatic = eventually(timeout: 30, interval: 0.5) {
            !journal.liveEntries(daemonPID: pid, matches: ["MESSAGE_ID=\(MessageID.feedbackDigest)"]).isEmpty
        }
        #expect(automatic, "no digest within 30 s; log:\n\(daemon.log.suffix(2000))")
        let imported = try Ctl.run(["feedback", "import", csv], socket: socket)
        #expect(imported.status == 0, "\(imported.stderr)")
        let added = try Ctl.run(
            [
                "feedback", "add", "--store", "s-1", "--rating", "1", "--category", "payment-failed", "--comment",
                "SECRET-COMMENT-四", "--time", "\(day) 12:00",
            ],
            socket: socket
        )
        #expect(added.status == 0, "\(added.stderr)")
        let forced = try Ctl.run(["feedback", "digest", "--day", day], socket: socket)
        #expect(forced.status == 0 && forced.stdout.contains("feedback digest for plan west"), "\(forced.stderr)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        let entries = try journal.entries()
        let digests = entries.filter { $0["MESSAGE_ID"] == MessageID.feedbackDigest }
        #expect(digests.count == 2, "one scheduled, one forced")
        let full = try #require(digests.last)
        #expect(full["PLAN_ID"] == "west" && full["DIGEST_DAY"] == day)
        #expect(full["FEEDBACK_COUNT"] == "4" && full["NEGATIVE_COUNT"] == "3")
        #expect(full["CATEGORY_COUNTS"] == "payment-failed=2 other=1 wants-credit-pay=1")
        #expect(full["STORE_COUNTS"] == "s-1=2/2 s-2=2/1" && full["WORST_STORE"] == "s-1")
        #expect(full["PRIORITY"] == "5")
        let recorded = entries.filter { $0["MESSAGE_ID"] == MessageID.feedbackRecorded }
        #expect(recorded.contains { $0["FEEDBACK_ORIGIN"] == "survey" && $0["FEEDBACK_COUNT"] == "3" })
        #expect(recorded.contains { $0["FEEDBACK_CATEGORY"] == "payment-failed" && $0["FEEDBACK_RATING"] == "1" })
        #expect(
            !entries.contains { $0.values.contains { $0.contains("SECRET-COMMENT") } },
            "comments never reach the journal"
        )

        // A restart the same day finds the digest already sent and writes no other.
        let secondJournal = try TestDirectory("journal-2")
        (daemon, journal, socket) = try start(dir, journalIn: secondJournal, config: config)
        Thread.sleep(forTimeInterval: 15)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(try journal.entries().filter { $0["MESSAGE_ID"] == MessageID.feedbackDigest }.isEmpty)
    }
}
