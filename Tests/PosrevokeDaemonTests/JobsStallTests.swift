import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import PosrevokeDaemon
import Testing

/// One daemon per state directory, a control socket path that is never clobbered, a job that goes on after its
/// commit failed, and detection that watches a terminal from close-service on. Each against the built daemon.
@Suite("Jobs never stall, and no second daemon runs them", .serialized)
struct JobsStallTests {
    /// One simulated terminal with wechat-payscore active and a plan that parks at await-review for an hour.
    static func config(missed: Bool = false, plan: Bool = true) -> String {
        """
        polling: {interval: 1s, timeout: 2s}
        simulation:
          seed: 7
          transactions_per_minute: 240
          credit_pay_share: 0.5
          scenario: {missed_update: [\(missed ? "t-1" : "")], still_trying_share: 0.0, peripheral_share: 0}
        platform: {simulation: {review_delay: 1h, transient_error_share: 0}}
        \(plan ? "plans:\n  - {id: p, providers: [wechat-payscore], waves: {canary: 1, soak: 0s}}" : "")
        terminals:
          - {id: t-1, store: s-1, providers: {wechat-payscore: {state: active}}}
        """
    }

    struct Running {
        let daemon: DaemonProcess
        let socket: String

        func call(_ command: String, _ args: [String: String] = [:]) throws -> ControlResponse {
            try ControlClient(path: socket).send(ControlRequest(command: command, args: args))
        }

        func jobs() -> [Job] { (try? call("jobs.list", ["plan": "p"]).decode([Job].self)) ?? [] }

        func stop() {
            daemon.signal(SIGTERM)
            #expect(daemon.waitForExit(timeout: 30) == 0)
        }
    }

    func start(
        _ dir: TestDirectory,
        yaml: String = config(),
        state: String = "state",
        socket: String = "control.sock",
        log: String = "daemon.log",
        waitForSocket: Bool = true
    ) throws -> Running {
        let config = try dir.write("posrevoke.yaml", yaml)
        let socketPath = dir.file(socket)
        let daemon = try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file(state), "--control-socket", socketPath,
                "--log-target", "console",
            ],
            log: dir.file(log)
        )
        if waitForSocket {
            #expect(
                eventually(timeout: 20) {
                    (try? ControlClient(path: socketPath).send(ControlRequest(command: "status")))?.ok == true
                },
                "log:\n\(daemon.log.suffix(2000))"
            )
        }
        return Running(daemon: daemon, socket: socketPath)
    }

    // MARK: One daemon per state directory

    @Test(
        "a second daemon on the same state directory exits at once, naming the first one's pid",
        .timeLimit(.minutes(2))
    )
    func secondDaemonRefused() throws {
        let dir = try TestDirectory()
        let first = try start(dir, yaml: Self.config(plan: false))
        let second = try start(
            dir,
            yaml: Self.config(plan: false),
            socket: "second.sock",
            log: "second.log",
            waitForSocket: false
        )
        let status = second.daemon.waitForExit(timeout: 10)
        #expect(status != nil && status != 0, "the second daemon must exit on its own, with a failure")
        #expect(second.daemon.log.contains("posrevoked (pid \(first.daemon.pid)) already runs"), "\(second.daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: second.socket))
        #expect(first.daemon.isRunning)
        #expect(try first.call("status").ok)
        first.stop()
        // The lock goes with its process: a daemon started afterwards runs.
        let third = try start(dir, yaml: Self.config(plan: false), log: "third.log")
        #expect(third.daemon.isRunning)
        third.stop()
    }

    @Test("a file at the control socket path is never removed: the daemon refuses to start", .timeLimit(.minutes(1)))
    func fileAtSocketPath() throws {
        let dir = try TestDirectory()
        let path = try dir.write("control.sock", "precious\n")
        let run = try start(dir, yaml: Self.config(plan: false), waitForSocket: false)
        let status = run.daemon.waitForExit(timeout: 20)
        #expect(status != nil && status != 0)
        #expect(run.daemon.log.contains("refusing to replace \(path): it is a regular file, not a socket"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
    }

    @Test("a socket another daemon listens on is not taken over; a stale one is replaced", .timeLimit(.minutes(2)))
    func liveSocketKept() throws {
        let dir = try TestDirectory()
        let first = try start(dir, yaml: Self.config(plan: false))
        let second = try start(
            dir,
            yaml: Self.config(plan: false),
            state: "other-state",
            log: "second.log",
            waitForSocket: false
        )
        let status = second.daemon.waitForExit(timeout: 20)
        #expect(status != nil && status != 0)
        #expect(second.daemon.log.contains("another process is listening on it"), "\(second.daemon.log)")
        #expect(try first.call("status").ok, "the first daemon still answers on its socket")
        // A daemon killed outright leaves its socket behind; the next one replaces it.
        first.daemon.signal(SIGKILL)
        first.daemon.waitForExit(timeout: 10)
        #expect(FileManager.default.fileExists(atPath: first.socket))
        let third = try start(dir, yaml: Self.config(plan: false), log: "third.log")
        #expect(try third.call("status").ok)
        third.stop()
    }

    // MARK: A failed commit

    @Test(
        "a step whose outcome cannot be committed is not logged as done, is replayed, and the job goes on",
        .timeLimit(.minutes(2))
    )
    func failedCommitResumes() throws {
        let dir = try TestDirectory()
        // A real SQLite fault: the state database refuses the row that would record `backup` as done (the job at
        // step 2, ready), exactly as a full disk or an I/O error would refuse the commit.
        do {
            let store = try StateStore(directory: dir.file("state"))
            try store.write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER injected_fault BEFORE INSERT ON job
                        WHEN NEW.status = 'ready' AND (CAST(NEW.record AS TEXT) LIKE '%"stepIndex":1,%'
                            OR CAST(NEW.record AS TEXT) LIKE '%"stepIndex":1}%')
                        BEGIN SELECT RAISE(ABORT, 'injected fault: disk full'); END
                        """
                )
            }
        }
        let run = try start(dir)
        let failure = "cannot save job state; nothing of it was applied"
        // Two refused commits: the job was tried again after the first, so it did not stall.
        #expect(
            eventually(timeout: 40, interval: 0.2) { run.daemon.log.components(separatedBy: failure).count - 1 >= 2 },
            "log:\n\(run.daemon.log.suffix(3000))"
        )
        #expect(!run.daemon.log.contains(": backup done:"), "a step was logged as done that was never committed")
        let stalled = run.jobs().first
        #expect(stalled?.step == .backup && stalled?.status != .running, "\(String(describing: stalled))")

        let db = try DatabaseQueue(path: dir.file("state/state.sqlite"))
        try db.write { try $0.execute(sql: "DROP TRIGGER injected_fault") }
        #expect(
            eventually(timeout: 40, interval: 0.2) { run.jobs().first?.step == .awaitReview },
            "log:\n\(run.daemon.log.suffix(3000))"
        )
        #expect(run.daemon.log.components(separatedBy: ": backup done:").count - 1 == 1)
        #expect(run.daemon.log.components(separatedBy: ": close-service done:").count - 1 == 1)
        run.stop()
    }

    // MARK: No blind spot

    @Test(
        "an approved credit-score payment after close-service raises lingering-credit-pay before the job reaches watch",
        .timeLimit(.minutes(2))
    )
    func lingeringDuringCancellation() throws {
        let dir = try TestDirectory()
        let run = try start(dir, yaml: Self.config(missed: true))
        var alerts: [AlertView] = []
        #expect(
            eventually(timeout: 60, interval: 0.3) {
                alerts = (try? run.call("alerts.list").decode([AlertView].self)) ?? []
                return alerts.contains { $0.kind == "lingering-credit-pay" && $0.state == "firing" }
            },
            "log:\n\(run.daemon.log.suffix(3000))"
        )
        let job = run.jobs().first
        // The review takes an hour: the job is far from watch, and detection already sees the terminal.
        #expect(job.map { $0.stepIndex < $0.steps.firstIndex(of: .watch) ?? 0 } == true, "\(String(describing: job))")
        #expect(job?.context["cutover"] != nil)
        let terminal = try run.call("terminals.show", ["id": "t-1"]).decode(TerminalView.self)
        #expect(terminal.providers["wechat-payscore"]?.hasPrefix("cancelled") == true)
        run.stop()
    }

    // MARK: A row that cannot be read

    @Test("a state row that cannot be decoded is quarantined and announced; the daemon starts", .timeLimit(.minutes(1)))
    func quarantinedRowAtStart() throws {
        let dir = try TestDirectory()
        do {
            let store = try StateStore(directory: dir.file("state"))
            try store.write { db in
                try db.execute(
                    sql: "INSERT INTO detector (terminal_id, state) VALUES ('t-1', ?)",
                    arguments: [Data("{not json".utf8)]
                )
            }
        }
        let run = try start(dir, yaml: Self.config(plan: false))
        #expect(run.daemon.log.contains("state row quarantined: detector row t-1"), "\(run.daemon.log.suffix(2000))")
        #expect(try run.call("status").ok)
        run.stop()
        let kept = try DatabaseQueue(path: dir.file("state/state.sqlite")).read {
            try Row.fetchAll($0, sql: "SELECT source, key FROM quarantine")
        }
        #expect(kept.map { "\($0["source"] as String)/\($0["key"] as String)" } == ["detector/t-1"])
    }
}
