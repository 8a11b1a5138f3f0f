import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import Testing

/// A run with bearer tokens and a platform signing key, read back everywhere a secret could leak, and the audit
/// trail of operator commands, under a real private journald.
@Suite(
    "Secrets and audit in the journal",
    .serialized,
    .enabled(if: PrivateJournal.isAvailable, "needs root, unshare and systemd-journald")
)
struct SecretsJournalTests {
    /// Distinctive secrets: the marker of each is searched for everywhere afterwards.
    static let token = "tok-QZ7K1PLUM-4d9e3a"
    static let wrongToken = "tok-WR8NGFIG-0b71c5"
    static let badToken = "tok-X3MN9\u{1}KIWI-55aa"
    static let key = "key-W8VR2DATE-71c0b5"
    static let markers = ["QZ7K1PLUM", "WR8NGFIG", "X3MN9", "KIWI-55aa", "W8VR2DATE"]

    @Test(
        "tokens and keys reach neither the journal, nor the state database, nor any --json output",
        .timeLimit(.minutes(3))
    )
    func noSecretLeaks() throws {
        let dir = try TestDirectory()
        let sim = try SimProcess(
            arguments: [
                "--config",
                try dir.write(
                    "sim.yaml",
                    """
                    simulation: {seed: 21, transactions_per_minute: 120, scenario: {peripheral_share: 0, update_duration: 1s}}
                    platform: {simulation: {review_delay: 1s, transient_error_share: 0, debit_in_progress_share: 0}}
                    terminals:
                      - {id: t-1, store: s-1, providers: {wechat-payscore: {state: active}}}
                      - {id: t-2, store: s-2, providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}
                      - {id: t-3, store: s-2, providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}

                    """
                ),
                "--token-file", try dir.writeSecret("right.token", Self.token + "\n"), "--platform-key-file",
                try dir.writeSecret("platform.key", Self.key + "\n"), "--inventory-out", dir.file("inventory.yaml"),
            ],
            log: dir.file("sim.log")
        )
        // t-2's token has a control character inside; t-3's is well-formed but wrong.
        try dir.writeSecret("bad.token", Self.badToken + "\n")
        try dir.writeSecret("wrong.token", Self.wrongToken + "\n")
        var inventory = try String(contentsOfFile: dir.file("inventory.yaml"), encoding: .utf8)
        inventory = inventory.split(separator: "\n").map { line in
            if line.contains("id: t-2,") { return line.replacingOccurrences(of: "right.token", with: "bad.token") }
            if line.contains("id: t-3,") { return line.replacingOccurrences(of: "right.token", with: "wrong.token") }
            return String(line)
        }.joined(separator: "\n")
        try dir.write("inventory.yaml", inventory)
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 1s, timeout: 2s}
            detection: {terminal_unreachable: {consecutive_failures: 2}}
            platform:
              providers: {wechat-payscore: http}
              http:
                wechat-payscore: {url: "\(sim.base)/platform/wechat-payscore", merchant_id: "1900000001",
                                  service_id: svc, key_file: "\(dir.file("platform.key"))"}
            plans:
              - {id: leak, select: {stores: [s-1]}, providers: [wechat-payscore], waves: {canary: 1, soak: 1s}, watch: 1s, gate: {blocking_alerts: []}, retry: {initial_backoff: 200ms}}
            terminals_file: inventory.yaml

            """
        )
        let (daemon, journal, socket) = try DaemonProcess.withPrivateJournal(dir, config: config)
        // The secrets are really in use: the plan's platform steps were signed with the key and accepted, t-1 is
        // polled with its token, and the other two fail for their tokens.
        func call<T: Decodable>(_ command: String, _ args: [String: String] = [:], as type: T.Type) -> T? {
            try? ControlClient(path: socket).send(ControlRequest(command: command, args: args)).decode(type)
        }
        let done = eventually(timeout: 90, interval: 0.5) {
            call("plans.show", ["id": "leak"], as: PlanView.self)?.state.status == .completed
        }
        #expect(done, "plan: \(String(describing: call("plans.show", ["id": "leak"], as: PlanView.self)?.jobs))")
        var unreachable: [String: String] = [:]
        let failing = eventually(timeout: 30, interval: 0.5) {
            unreachable = Dictionary(
                (call("alerts.list", as: [AlertView].self) ?? []).filter { $0.kind == "terminal-unreachable" }.map {
                    ($0.terminal, $0.summary)
                }
            ) { a, _ in a }
            return Set(unreachable.keys) == ["t-2", "t-3"]
        }
        #expect(failing, "\(unreachable)")
        #expect(unreachable["t-2"]?.contains("not a bearer token") == true, "\(unreachable)")
        #expect(unreachable["t-3"]?.contains("HTTP 401") == true, "\(unreachable)")
        #expect((call("terminals.show", ["id": "t-1"], as: TerminalView.self)?.cursor ?? 0) > 0)

        // Every --json output of posrevokectl.
        var outputs: [String: String] = [:]
        var commands: [[String]] = [
            ["status"], ["terminals", "list"], ["terminals", "show", "t-2"], ["alerts", "list", "--all"],
            ["alerts", "silences"], ["plans", "list"], ["plans", "show", "leak"], ["jobs", "list"],
            ["feedback", "report"], ["backups", "verify"],
        ]
        commands += (call("jobs.list", as: [Job].self) ?? []).map { ["jobs", "show", $0.id] }
        for command in commands {
            let result = try Ctl.run(command + ["--json"], socket: socket)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            outputs[command.joined(separator: " ")] = result.stdout + result.stderr
        }
        #expect(outputs.count == commands.count && commands.count > 10)

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(sim.stop() == 0)

        var places = outputs.map { ("posrevokectl \($0.key) --json", $0.value) }
        let journalText = try String(contentsOfFile: journal.output, encoding: .utf8)
        #expect(journalText.contains("not a bearer token"), "the journal holds t-2's poll failures")
        places.append(("the journal", journalText))
        places.append(("the daemon's output", daemon.log))
        let stateFiles = try FileManager.default.contentsOfDirectory(atPath: dir.file("state"))
        #expect(stateFiles.contains("state.sqlite"))
        for name in stateFiles where name.hasPrefix("state.sqlite") {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("state/\(name)")))
            places.append(("state/\(name)", String(decoding: data, as: UTF8.self)))
        }
        for (place, text) in places {
            for marker in Self.markers {
                #expect(!text.contains(marker), "a secret (\(marker)) is in \(place)")
            }
        }
    }

    @Test(
        "every changing command is audited with the peer's real uid, whatever the request claims",
        .timeLimit(.minutes(2))
    )
    func audit() throws {
        let dir = try TestDirectory()
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 1s}
            simulation: {seed: 4, transactions_per_minute: 120, credit_pay_share: 0.5, scenario: {missed_update: [t-9]}}
            terminals:
              - {id: t-9, store: s-2, providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}

            """
        )
        let (daemon, journal, socket) = try DaemonProcess.withPrivateJournal(dir, config: config)
        let client = ControlClient(path: socket)
        let key = "lingering-credit-pay/t-9/wechat-payscore"
        let firing = eventually(timeout: 30, interval: 0.2) {
            ((try? client.send(ControlRequest(command: "alerts.list")).decode([AlertView].self)) ?? []).contains {
                $0.key == key && $0.state == "firing"
            }
        }
        #expect(firing, "log:\n\(daemon.log)")
        // The request claims to be someone else, as an old client sending $USER would.
        let ack = try client.send(ControlRequest(command: "alerts.ack", args: ["key": key, "by": "mallory"]))
        #expect(ack.ok, "\(String(describing: ack.error))")
        let silence = try client.send(
            ControlRequest(command: "alerts.silence", args: ["matcher": "t-9", "for": "1h", "by": "mallory"])
        )
        let silenceID = try #require(silence.decode([String: String].self)["id"])
        let listed = try client.send(ControlRequest(command: "alerts.silences")).decode([SilenceView].self)
        #expect(listed.map(\.id) == [Int64(silenceID)] && listed.first?.matcher == "t-9")
        let lifted = try client.send(ControlRequest(command: "alerts.unsilence", args: ["id": silenceID]))
        #expect(lifted.ok, "\(String(describing: lifted.error))")
        #expect(try client.send(ControlRequest(command: "alerts.silences")).decode([SilenceView].self).isEmpty)
        let again = try client.send(ControlRequest(command: "alerts.unsilence", args: ["id": silenceID]))
        #expect(!again.ok)
        let reload = try client.send(ControlRequest(command: "reload"))
        #expect(reload.ok)
        // Plan, job and feedback commands too, whether they succeed or are refused.
        let feedback = try client.send(
            ControlRequest(command: "feedback.add", args: ["store": "s-2", "rating": "2", "category": "other"])
        )
        #expect(feedback.ok, "\(String(describing: feedback.error))")
        #expect(!(try client.send(ControlRequest(command: "plans.pause", args: ["id": "no-such-plan"]))).ok)
        #expect(!(try client.send(ControlRequest(command: "jobs.retry", args: ["id": "no-such-job"]))).ok)
        // Reading commands are not audited.
        _ = try client.send(ControlRequest(command: "status"))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)

        let me = String(getuid())
        let name = try #require(getpwuid(getuid())?.pointee.pw_name.map { String(cString: $0) })
        let audits = try journal.entries().filter { $0["MESSAGE_ID"] == MessageID.operatorCommand }
        #expect(
            audits.compactMap { $0["AUDIT_COMMAND"] }
                == [
                    "alerts.ack", "alerts.silence", "alerts.unsilence", "alerts.unsilence", "reload", "feedback.add",
                    "plans.pause", "jobs.retry",
                ],
            "\(audits)"
        )
        for entry in audits {
            #expect(entry["AUDIT_UID"] == me && entry["AUDIT_USER"] == name, "\(entry)")
            #expect(entry["AUDIT_PID"] == String(getpid()), "\(entry)")
            #expect(entry["MESSAGE"]?.contains("mallory") == false, "\(entry)")
        }
        #expect(audits.first?["ALERT_KEY"] == key && audits.first?["AUDIT_RESULT"] == "ok")
        #expect(audits[1]["SILENCE_ID"] == silenceID && audits[1]["SILENCE_MATCHER"] == "t-9")
        #expect(audits[3]["AUDIT_RESULT"] == "refused" && audits[3]["AUDIT_ERROR"]?.contains("no silence") == true)
        #expect(audits[5]["STORE_ID"] == "s-2" && audits[5]["AUDIT_RESULT"] == "ok", "\(audits)")
        #expect(audits[6]["PLAN_ID"] == "no-such-plan" && audits[6]["AUDIT_RESULT"] == "refused", "\(audits)")
        #expect(audits[7]["JOB_ID"] == "no-such-job" && audits[7]["AUDIT_RESULT"] == "refused", "\(audits)")
        // The acknowledgement and the silence record the peer too.
        let queue = try DatabaseQueue(path: dir.file("state/state.sqlite"))
        let by = try queue.read { db in try String.fetchOne(db, sql: "SELECT by FROM ack") }
        #expect(by == "\(name) (uid \(me))")
    }
}
