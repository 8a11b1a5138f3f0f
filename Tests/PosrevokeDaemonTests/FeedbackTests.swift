import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import PosrevokeDaemon
import Testing

/// Feedback against a live daemon: terminal cursors across crashes, survey imports through posrevokectl, the
/// report, and the feedback health gate.
@Suite("Feedback against a live daemon", .serialized)
struct FeedbackTests {
    static let cutover = "2026-01-01T00:00:00Z"

    struct Running {
        let daemon: DaemonProcess
        let socket: String

        func call(_ command: String, _ args: [String: String] = [:]) throws -> ControlResponse {
            try ControlClient(path: socket).send(ControlRequest(command: command, args: args))
        }

        func status() throws -> StatusView { try call("status").decode(StatusView.self) }

        func report(_ args: [String: String] = [:]) throws -> FeedbackReport {
            try call("feedback.report", args).decode(FeedbackReport.self)
        }

        func ctl(_ arguments: [String]) throws -> Ctl.Result { try Ctl.run(arguments, socket: socket) }

        func stop() {
            daemon.signal(SIGTERM)
            #expect(daemon.waitForExit(timeout: 30) == 0)
        }
    }

    func start(_ dir: TestDirectory, _ yaml: String) throws -> Running {
        let config = try dir.write("posrevoke.yaml", yaml)
        let socket = dir.file("control.sock")
        try? FileManager.default.removeItem(atPath: socket)
        let daemon = try DaemonProcess.console(config: config, in: dir)
        #expect(eventually(timeout: 20) { FileManager.default.fileExists(atPath: socket) })
        return Running(daemon: daemon, socket: socket)
    }

    static func yaml(feedbackPerHour: Int = 3600, extra: String = "") -> String {
        """
        polling: {interval: 1s, timeout: 2s}
        simulation: {seed: 3, transactions_per_minute: 30, feedback_per_hour: \(feedbackPerHour)}
        feedback: {poll_interval: 1s, page_limit: 5}
        \(extra)
        terminals:
          - {id: t-1, store: s-1, providers: {wechat-payscore: {state: cancelled, cutover: \(cutover)}}}
          - {id: t-2, store: s-1, providers: {wechat-payscore: {state: cancelled, cutover: \(cutover)}}}
          - {id: t-3, store: s-2, providers: {wechat-payscore: {state: cancelled, cutover: \(cutover)}}}

        """
    }

    /// Per terminal: the sequence numbers of the stored entries, and the first time each was stored under.
    func stored(_ dir: TestDirectory) throws -> (seqs: [String: [Int]], cursors: [String: Int], times: [String: Double])
    {
        let queue = try DatabaseQueue(path: dir.file("state/state.sqlite"))
        return try queue.read { db in
            var seqs: [String: [Int]] = [:]
            var times: [String: Double] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT uid, terminal_id, time FROM feedback WHERE origin = 'terminal'"
            ) {
                let uid: String = row["uid"]
                let seq = Int(uid.split(separator: "-").last!)!
                seqs[row["terminal_id"], default: []].append(seq)
                times[uid] = row["time"]
            }
            var cursors: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT terminal_id, next_after FROM feedback_cursor") {
                cursors[row["terminal_id"]] = row["next_after"]
            }
            return (seqs.mapValues { $0.sorted() }, cursors, times)
        }
    }

    /// Whether `seqs` run 1…n without a gap (and are not empty).
    func contiguous(_ seqs: [Int]) -> Bool { !seqs.isEmpty && seqs == (0..<seqs.count).map { $0 + 1 } }

    @Test(
        "terminal feedback: the cursor survives kill -9, nothing is lost, and re-delivered entries are not stored twice"
    )
    func cursorAndDedup() throws {
        let dir = try TestDirectory()
        var running = try start(dir, Self.yaml())
        // One entry per terminal per second, read five at a time: the cursor must carry the rest over.
        #expect(eventually(timeout: 30) { ((try? running.report().total) ?? 0) >= 30 })
        running.daemon.signal(SIGKILL)
        _ = running.daemon.waitForExit(timeout: 10)
        let beforeRestart = try stored(dir)
        // The restarted simulator numbers its entries from 1 again, with the same ids. Only a cursor read back
        // from the store keeps the daemon from asking for (and being handed) those ids a second time.
        running = try start(dir, Self.yaml())
        #expect(eventually(timeout: 60) { ((try? running.report().total) ?? 0) >= beforeRestart.times.count + 15 })
        let status = try running.status()
        #expect(status.feedbackStored >= 15)
        #expect(status.feedbackDuplicates == 0, "entries below the committed cursor were fetched again")
        running.stop()

        let after = try stored(dir)
        for terminal in ["t-1", "t-2", "t-3"] {
            let seqs = after.seqs[terminal] ?? []
            #expect(contiguous(seqs), "\(terminal) lost entries: \(seqs)")
            #expect(after.cursors[terminal] == seqs.last, "the committed cursor matches what was stored")
        }

        // Forget the cursors, as if the terminals re-delivered their whole logs: every id comes again.
        let queue = try DatabaseQueue(path: dir.file("state/state.sqlite"))
        try queue.write { try $0.execute(sql: "DELETE FROM feedback_cursor") }
        running = try start(dir, Self.yaml())
        let highest = after.seqs.values.map { $0.last ?? 0 }.min() ?? 0
        #expect(eventually(timeout: 60) { (try? stored(dir).cursors.values.min() ?? 0).map { $0 > highest } ?? false })
        let again = try running.status()
        running.stop()
        // Each terminal handed over at least ids 1…highest again; every one was recognised and not stored.
        #expect(again.feedbackDuplicates >= 3 * highest)
        let redelivered = try stored(dir)
        #expect(redelivered.times.count == Set(redelivered.times.keys).count)
        for (uid, time) in after.times {
            #expect(redelivered.times[uid] == time, "\(uid) must keep its first delivery")
        }
        for terminal in ["t-1", "t-2", "t-3"] {
            #expect(contiguous(redelivered.seqs[terminal] ?? []), "nothing lost for \(terminal)")
        }
    }

    @Test("survey imports: good rows, bad rows by line, --skip-bad, an encoding error, a re-import, an empty file")
    func csvImport() throws {
        let dir = try TestDirectory()
        let running = try start(dir, Self.yaml(feedbackPerHour: 0))
        defer { running.stop() }
        let good = try dir.write(
            "good.csv",
            """
            time,terminal,store,rating,category,comment,source
            2025-12-20 10:00,t-1,,4,other,好,customer
            2026-01-03 10:00,,s-2,1,wants-credit-pay,"想用支付分, 为什么停了",customer
            2026-01-04 18:30,t-3,s-2,2,payment-failed,card declined twice,cashier

            """
        )
        let first = try running.ctl(["feedback", "import", good, "--time-zone", "Asia/Shanghai"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("imported 3 entries"))
        let again = try running.ctl(["feedback", "import", good, "--time-zone", "Asia/Shanghai"])
        #expect(
            again.status == 0 && again.stdout.contains("imported 0 entries")
                && again.stdout.contains("3 already stored")
        )
        #expect(try running.report().total == 3)
        let stored = try running.report(["store": "s-2"])
        #expect(stored.recent.contains { $0.comment == "想用支付分, 为什么停了" && $0.position.after })

        let bad = try dir.write(
            "bad.csv",
            """
            time,terminal,store,rating,category,comment
            2026-01-05,t-2,,5,other,fine
            2026-01-05,t-9,,5,other,no such terminal
            2026-01-05,t-1,s-2,5,other,wrong store
            2026-01-05,t-2,,0,other,bad rating
            2026-01-05,t-2,,3,other,fine too

            """
        )
        let strict = try running.ctl(["feedback", "import", bad])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("line 3: unknown terminal 't-9'"))
        #expect(strict.stdout.contains("line 4: terminal t-1 belongs to store s-1, not s-2"))
        #expect(strict.stdout.contains("line 5: rating '0'"))
        #expect(strict.stdout.contains("nothing imported: 3 bad rows"))
        #expect(try running.report().total == 3, "all or nothing")
        let lenient = try running.ctl(["feedback", "import", bad, "--skip-bad"])
        #expect(
            lenient.status == 0 && lenient.stdout.contains("imported 2 entries")
                && lenient.stdout.contains("3 bad rows skipped")
        )
        #expect(try running.report().total == 5)

        var gbk = Data("time,store,rating,comment\n2026-01-05,s-1,3,".utf8)
        gbk.append(contentsOf: [0xD6, 0xA7, 0xB8, 0xB6, 0xB7, 0xD6, 0x0A])  // 支付分 in GBK
        let encoded = dir.file("gbk.csv")
        try gbk.write(to: URL(fileURLWithPath: encoded))
        let encoding = try running.ctl(["feedback", "import", encoded])
        #expect(encoding.status == 1 && encoding.stderr.contains("line 2: not valid UTF-8"))
        let empty = try dir.write("empty.csv", "")
        let nothing = try running.ctl(["feedback", "import", empty])
        #expect(nothing.status == 1 && nothing.stderr.contains("the file is empty"))
        #expect(try running.report().total == 5)

        let add = try running.ctl([
            "feedback", "add", "--terminal", "t-2", "--rating", "2", "--category", "notice-unclear", "--comment", "没看懂",
        ])
        #expect(add.status == 0, "\(add.stderr)")
        let unknown = try running.ctl(["feedback", "add", "--store", "s-1", "--rating", "2", "--category", "grumpy"])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown category 'grumpy'"))

        let report = try running.report()
        #expect(report.total == 6 && report.before.count == 1 && report.after.count == 5)
        #expect(report.stores.first?.store == "s-2", "s-2 has the worst post-cutover feedback")
        let csv = try running.ctl(["feedback", "report", "--csv"])
        #expect(csv.stdout.hasPrefix("section,name,phase,count,average_rating,negative_share\n"))
        #expect(csv.stdout.contains("store,s-2,after,2,1.500,1.0000"))
        let html = dir.file("report.html")
        let page = try running.ctl(["feedback", "report", "--html", html])
        #expect(page.status == 0 && page.stdout.contains("Recent comments"))
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.contains("<svg") && text.contains("cutover") && text.contains("Store s-2") && text.contains("没看懂"))
        #expect(!text.contains("<script"), "self-contained, no scripts")
    }

    @Test("a store in the last wave with negative-feedback firing pauses the plan before the next wave")
    func feedbackGate() throws {
        let dir = try TestDirectory()
        var lines = [
            "polling: {interval: 1s}",
            "simulation: {seed: 9, transactions_per_minute: 20, feedback_per_hour: 3600, scenario: {unhappy_stores: [s-2], peripheral_share: 0, update_duration: 1s}}",
            "platform: {simulation: {review_delay: 2s, transient_error_share: 0}}",
            "feedback: {poll_interval: 1s}",
            "detection: {negative_feedback: {min_sample: 8, baseline_min_sample: 100000, evaluate_interval: 1s}}",
            "plans:",
            "  - {id: east, providers: [wechat-payscore], select: {stores: [s-2, s-3]}, waves: {canary: 2, size: 2, soak: 20s}, watch: 1h, retry: {initial_backoff: 200ms}}",
            "terminals:",
        ]
        lines += (1...2).map { "  - {id: t-\($0), store: s-2, providers: {wechat-payscore: {state: active}}}" }
        lines += (3...4).map { "  - {id: t-\($0), store: s-3, providers: {wechat-payscore: {state: active}}}" }
        let running = try start(dir, lines.joined(separator: "\n") + "\n")
        defer { running.stop() }
        func plan() -> PlanView? { try? running.call("plans.show", ["id": "east"]).decode(PlanView.self) }
        let paused = eventually(timeout: 120, interval: 0.5) { plan()?.state.status == .paused }
        let view = plan()
        #expect(paused, "plan: \(String(describing: view?.state)); log:\n\(running.daemon.log.suffix(3000))")
        #expect(view?.state.pauseReason?.contains("negative-feedback on store s-2") == true)
        #expect(view?.waves.dropFirst().allSatisfy { !$0.released } == true, "the next wave must not start")
        let alerts = try running.call("alerts.list").decode([AlertView].self)
        #expect(alerts.contains { $0.kind == "negative-feedback" && $0.store == "s-2" && $0.state == "firing" })
        #expect(!alerts.contains { $0.kind == "negative-feedback" && $0.store == "s-3" })
    }

    /// A `feedback.import` body written by hand: the daemon must not trust a single field of it.
    func importBody(_ rows: [FeedbackImportRow], skipBad: Bool) throws -> String {
        let request = FeedbackImportRequest(file: "crafted.csv", rows: rows, errors: [], skipBad: skipBad)
        return String(decoding: try ControlCoding.encoder.encode(request), as: UTF8.self)
    }

    func craftedRow(_ line: Int, rating: Int, time: Date = Date().addingTimeInterval(-3600)) -> FeedbackImportRow {
        FeedbackImportRow(
            line: line,
            uid: "survey:crafted-\(line)",
            terminal: "t-1",
            store: nil,
            provider: nil,
            source: .customer,
            rating: rating,
            category: "other",
            comment: "",
            time: time
        )
    }

    @Test(
        "a crafted import with huge ratings is refused row by row; bad rows already stored break no report or digest",
        .timeLimit(.minutes(2))
    )
    func craftedImport() throws {
        let dir = try TestDirectory()
        let running = try start(dir, Self.yaml(feedbackPerHour: 0))
        defer { running.stop() }
        let client = ControlClient(path: running.socket)
        // Two rows with the largest rating once overflowed the report's and the digest's sums and trapped.
        let hostile = [craftedRow(2, rating: .max), craftedRow(3, rating: .max), craftedRow(4, rating: 4)]
        let strict = try client.send(
            ControlRequest(command: "feedback.import", body: try importBody(hostile, skipBad: false))
        )
        let refused = try strict.decode(FeedbackImportResult.self)
        #expect(!refused.applied && refused.imported == 0)
        #expect(refused.errors.map(\.line) == [2, 3])
        #expect(refused.errors.allSatisfy { $0.reason.contains("rating 9223372036854775807 is not") })
        let lenient = try client.send(
            ControlRequest(command: "feedback.import", body: try importBody(hostile, skipBad: true))
        ).decode(FeedbackImportResult.self)
        #expect(lenient.applied && lenient.imported == 1 && lenient.errors.count == 2)
        let future = try client.send(
            ControlRequest(
                command: "feedback.import",
                body: try importBody(
                    [craftedRow(5, rating: 1, time: Date().addingTimeInterval(3 * 86400))],
                    skipBad: false
                )
            )
        ).decode(FeedbackImportResult.self)
        #expect(!future.applied && future.errors.first?.reason.contains("more than a day after") == true)
        let tooMany = try client.send(
            ControlRequest(
                command: "feedback.import",
                body: try importBody(
                    (0...FeedbackLimits.maxImportRows).map { craftedRow($0, rating: 3) },
                    skipBad: true
                )
            )
        )
        #expect(!tooMany.ok && tooMany.error?.contains("split the file") == true)
        #expect(try running.report().total == 1)

        // Rows an earlier version let in: absurd ratings straight in the store. Neither the report, nor the digest,
        // nor the rule may sum them.
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: dir.file("state/state.sqlite"), configuration: configuration)
        let day = Date().addingTimeInterval(-86400)
        try queue.write { db in
            for (n, rating) in [(1, "9223372036854775807"), (2, "9223372036854775807"), (3, "'high'"), (4, "2.5")] {
                try db.execute(
                    sql: """
                        INSERT INTO feedback
                        (uid, origin, terminal_id, store_id, provider, source, rating, category, comment, time, received_at)
                        VALUES (?, 'survey', 't-2', 's-1', NULL, 'customer', \(rating), 'other', '', ?, ?)
                        """,
                    arguments: ["survey:old-\(n)", day.timeIntervalSince1970, day.timeIntervalSince1970]
                )
            }
        }
        let report = try running.report()
        #expect(report.total == 1, "the stored bad rows are left out")
        // The digest reads through the same store queries: the bad rows never reach its sums.
        let store = try StateStore(directory: dir.file("state"))
        let entries = try store.feedback(from: day.addingTimeInterval(-60), until: day.addingTimeInterval(60))
        #expect(entries.isEmpty, "\(entries)")
        let stats = try store.feedbackStats(
            terminals: ["t-2": (store: "s-1", cutover: day.addingTimeInterval(-3600))],
            stores: [:],
            feedback: FeedbackSection(),
            rule: NegativeFeedbackRuleConfig(),
            now: Date()
        )
        #expect(stats["s-1"]?.recent.count == 0, "absurd ratings are not counted by the rule either")
        let digest = FeedbackDigest.build(
            plan: "p",
            day: "yesterday",
            entries: try store.feedback(from: nil),
            baseline: FeedbackTally(),
            config: FeedbackSection()
        )
        #expect(digest.fields["FEEDBACK_COUNT"] == "1")
        #expect(running.daemon.isRunning, "the daemon survived all of it:\n\(running.daemon.log.suffix(2000))")
    }
}
