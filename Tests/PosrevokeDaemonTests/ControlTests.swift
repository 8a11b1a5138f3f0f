import Foundation
import PosrevokeControl
import PosrevokeCore
import Testing

/// `posrevokectl` against a live daemon over its real unix socket.
@Suite("posrevokectl against a live daemon", .serialized)
struct ControlTests {
    static let config = """
        polling: {interval: 1s}
        simulation: {seed: 4, transactions_per_minute: 120, credit_pay_share: 0.5, scenario: {missed_update: [t-9]}}
        platform: {simulation: {transient_error_share: 0}}
        terminals:
          - {id: t-1, store: s-1, providers: {wechat-payscore: {state: active}}}
          - {id: t-2, store: s-1, providers: {wechat-payscore: {state: active}}}
          - {id: t-3, store: s-2, providers: {wechat-payscore: {state: active}}}
          - {id: t-9, store: s-2, providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}
        """

    static let plan = """
        id: gated
        select: {stores: [s-1, s-2]}
        providers: [wechat-payscore]
        vendor_confirmation: true
        waves: {canary: 3}
        retry: {initial_backoff: 200ms}
        """

    @Test("status, terminals, plans, jobs, alerts, reload and backups, with --json and tables")
    func commands() throws {
        let dir = try TestDirectory()
        let config = try dir.write("posrevoke.yaml", Self.config)
        let socket = dir.file("control.sock")
        let daemon = try DaemonProcess.console(config: config, in: dir)
        #expect(eventually(timeout: 20) { FileManager.default.fileExists(atPath: socket) }, "log:\n\(daemon.log)")
        let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
        #expect(mode == 0o660)

        let status = try Ctl.run(["status"], socket: socket)
        #expect(status.status == 0 && status.stdout.contains("polling 4 terminals"), "\(status)")
        let terminals = try Ctl.run(["terminals", "list"], socket: socket)
        #expect(terminals.stdout.split(separator: "\n").first?.hasPrefix("TERMINAL  STORE") == true)
        #expect(terminals.stdout.contains("t-9       s-2    simulated  1s    wechat-payscore=cancelled"))
        #expect(try Ctl.run(["terminals", "show", "t-404"], socket: socket).stderr.contains("no terminal 't-404'"))

        // Alerts: t-9 lingers; acknowledge and silence it.
        let lingering = "lingering-credit-pay/t-9/wechat-payscore"
        #expect(
            eventually(timeout: 20) {
                (try? Ctl.run(["alerts", "list"], socket: socket).stdout.contains("lingering-credit-pay")) == true
            }
        )
        #expect(
            try Ctl.run(["alerts", "ack", lingering, "--comment", "technician on the way"], socket: socket).status == 0
        )
        #expect(try Ctl.run(["alerts", "silence", "store:s-2", "--for", "1h"], socket: socket).status == 0)
        let alerts = try JSONDecoder.control.decode(
            [AlertView].self,
            from: Data(try Ctl.run(["alerts", "list", "--json"], socket: socket).stdout.utf8)
        )
        let record = try #require(alerts.first { $0.key == lingering })
        #expect(record.acknowledged && record.silenced && record.state == "firing")
        #expect(try Ctl.run(["alerts", "silence", "t-9", "--for", "soon"], socket: socket).status == 1)
        // Silences are listed and lifted.
        let silences = try Ctl.run(["alerts", "silences"], socket: socket).stdout
        #expect(silences.hasPrefix("ID  MATCHER") && silences.contains("store:s-2"), "\(silences)")
        let silenceID = try #require(
            try JSONDecoder.control.decode(
                [SilenceView].self,
                from: Data(try Ctl.run(["alerts", "silences", "--json"], socket: socket).stdout.utf8)
            ).first?.id
        )
        #expect(try Ctl.run(["alerts", "unsilence", String(silenceID)], socket: socket).status == 0)
        #expect(try Ctl.run(["alerts", "silences"], socket: socket).stdout == "(none)\n")
        #expect(try Ctl.run(["alerts", "unsilence", String(silenceID)], socket: socket).stderr.contains("no silence"))

        // A plan from a file: three jobs stop at the vendor-confirmation gate.
        let planFile = try dir.write("plan.yaml", Self.plan)
        let created = try Ctl.run(["plans", "create", planFile], socket: socket)
        #expect(created.stdout.contains("created plan gated: 3 jobs in 1 waves"), "\(created)")
        #expect(try Ctl.run(["plans", "create", planFile], socket: socket).stderr.contains("already exists"))
        let badPlan = try dir.write("bad-plan.yaml", "id: x\nwindow: {start: '25:00'}\n")
        let rejected = try Ctl.run(["plans", "create", badPlan], socket: socket)
        #expect(rejected.status == 1 && rejected.stderr.contains("plan.window.start: must be a time of day"))
        let gated = eventually(timeout: 30) {
            let out = (try? Ctl.run(["jobs", "list", "--status", "gated", "--json"], socket: socket).stdout) ?? ""
            return ((try? JSONDecoder.control.decode([Job].self, from: Data(out.utf8)))?.count ?? 0) == 3
        }
        #expect(gated, "log:\n\(daemon.log.suffix(2000))")
        let job = "gated/t-1/wechat-payscore"
        let confirmed = try Ctl.run(["jobs", "confirm", job], socket: socket)
        #expect(confirmed.status == 0 && confirmed.stdout.contains("close-service"), "\(confirmed)")
        #expect(
            try Ctl.run(["jobs", "confirm", job], socket: socket).stderr.contains("not waiting for a confirmation")
        )
        #expect(
            try Ctl.run(["jobs", "retry", "gated/t-2/wechat-payscore"], socket: socket).stderr.contains(
                "has not failed"
            )
        )
        #expect(try Ctl.run(["jobs", "show", job], socket: socket).stdout.contains("confirmed.vendor-confirmation"))
        #expect(try Ctl.run(["plans", "pause", "gated"], socket: socket).stdout.contains("is paused"))
        // Who paused it comes from the socket's peer credentials.
        let me = getpwuid(getuid())?.pointee.pw_name.map { String(cString: $0) } ?? String(getuid())
        let paused = try Ctl.run(["plans", "list"], socket: socket).stdout
        #expect(paused.contains("paused by \(me) (uid \(getuid()))"), "\(paused)")
        #expect(try Ctl.run(["plans", "resume", "gated"], socket: socket).stdout.contains("is active"))
        #expect(
            try Ctl.run(["jobs", "cancel", "gated/t-3/wechat-payscore"], socket: socket).stdout.contains("cancelled")
        )
        let show = try Ctl.run(["plans", "show", "gated"], socket: socket).stdout
        #expect(show.contains("WAVE  PROGRESS") && show.contains("] "), "\(show)")
        let view = try JSONDecoder.control.decode(
            PlanView.self,
            from: Data(try Ctl.run(["plans", "show", "gated", "--json"], socket: socket).stdout.utf8)
        )
        #expect(view.jobs["cancelled"] == 1)

        // Backups were taken and verify.
        let backups = try Ctl.run(["backups", "verify"], socket: socket)
        #expect(backups.status == 0 && backups.stdout.contains("gated  t-1"), "\(backups)")

        // Reload is synchronous: a bad file exits 1 with its errors, a good one exits 0.
        try dir.write("posrevoke.yaml", Self.config.replacingOccurrences(of: "polling:", with: "poling:"))
        let bad = try Ctl.run(["reload"], socket: socket)
        #expect(bad.status == 1 && bad.stderr.contains("poling: unknown key (did you mean 'polling'?)"), "\(bad)")
        try dir.write("posrevoke.yaml", Self.config)
        let good = try Ctl.run(["reload"], socket: socket)
        #expect(good.status == 0 && good.stdout.contains("reloaded: 4 terminals"))
        #expect(try Ctl.run(["plans", "list"], socket: socket).stdout.contains("gated"))

        // A peer outside the service's group is refused by its credentials, even when the file mode would let it in.
        if geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            chmod(socket, 0o666)
            let refused = try Ctl.run(["status"], socket: socket, asUID: 65534)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("permission denied: uid 65534"), "\(refused)")
            chmod(socket, 0o660)
            let blocked = try Ctl.run(["status"], socket: socket, asUID: 65534)
            #expect(blocked.status == 1 && blocked.stderr.contains("Permission denied"))
        } else {
            FileHandle.standardError.write(Data("SKIPPING the peer-credential check: needs root and setpriv\n".utf8))
        }

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 20) == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
        #expect(try Ctl.run(["status"], socket: socket).stderr.contains("is posrevoked running"))
    }
}

extension JSONDecoder {
    static var control: JSONDecoder { ControlCoding.decoder }
}
