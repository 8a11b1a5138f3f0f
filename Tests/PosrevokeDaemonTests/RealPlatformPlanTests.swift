import Foundation
import GRDB
import PosrevokeControl
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// A cancellation plan over WeChat Pay APIv3 and the Alipay gateway, both played by `posrevoke-sim` with keys made
/// at run time: signatures checked both ways, faults on the way, a certificate rotation and a SIGKILL mid-plan.
@Suite("Plans over the real platforms' APIs", .serialized)
struct RealPlatformPlanTests {
    static let faults =
        "transient_error_share: 0.3, debit_in_progress_share: 0.5, max_open_orders: 3, forged_answer_share: 0.15"

    static func simulator(_ dir: TestDirectory, certificates: Bool, faults: String = faults) throws -> SimProcess {
        var sim = [
            "simulation:",
            "  seed: 7",
            "  transactions_per_minute: 30",
            "  scenario: {peripheral_share: 0, update_duration: 1s}",
            "platform:",
            "  simulation: {review_delay: 1s, authorizations_per_store: 3, \(faults)}",
            "terminals:",
        ]
        sim += (1...4).map {
            "  - {id: t-\($0), store: s-\(($0 + 1) / 2), providers: {wechat-payscore: {state: active}, "
                + "alipay-credit: {state: active}}}"
        }
        return try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", sim.joined(separator: "\n") + "\n"), "--inventory-out",
                dir.file("inventory.yaml"), "--state", dir.file("sim.sqlite"), "--real-platforms", dir.file("keys"),
            ] + (certificates ? ["--wechatpay-certificates"] : []),
            log: dir.file("sim.log")
        )
    }

    static func config(_ dir: TestDirectory) throws -> String {
        let fragment = try String(contentsOfFile: dir.file("keys/platform.yaml"), encoding: .utf8)
        return try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 2s}
            \(fragment)
            plans:
              - id: real
                providers: [wechat-payscore, alipay-credit]
                waves: {canary: 2, size: 8, soak: 1s}
                watch: 2s
                gate: {blocking_alerts: []}
                retry: {initial_backoff: 200ms, max_backoff: 1s, max_attempts: 40}
            terminals_file: inventory.yaml

            """
        )
    }

    static func start(_ dir: TestDirectory, config: String, _ n: Int) throws -> DaemonProcess {
        try DaemonProcess(
            arguments: [
                "--config", config, "--state-dir", dir.file("state"), "--control-socket", dir.file("control.sock"),
                "--log-target", "console",
            ],
            log: dir.file("daemon-\(n).log")
        )
    }

    static func call<T: Decodable>(_ dir: TestDirectory, _ command: String, _ args: [String: String] = [:]) throws -> T
    {
        try ControlClient(path: dir.file("control.sock")).send(ControlRequest(command: command, args: args))
            .decode(T.self)
    }

    @Test(
        "WeChat Pay and Alipay, with 429s, 500s, lost and forged answers, a rotation and a SIGKILL: each change once",
        .timeLimit(.minutes(5)),
        arguments: [false, true]
    )
    func plan(certificates: Bool) throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(dir, certificates: certificates)
        let config = try Self.config(dir)
        var daemon = try Self.start(dir, config: config, 0)
        let client = ControlClient(path: dir.file("control.sock"))
        #expect(eventually(timeout: 20, interval: 0.2) { (try? client.send(ControlRequest(.status)).ok) == true })

        let csv = try String(contentsOfFile: dir.file("keys/authorizations.csv"), encoding: .utf8)
        let parsed = try AuthorizationCSV.parse(csv)
        #expect(parsed.rows.count == 12 && parsed.errors.isEmpty)
        let body = String(
            decoding: try ControlCoding.encoder.encode(
                AuthorizationImportRequest(rows: parsed.rows, errors: [], skipBad: false)
            ),
            as: UTF8.self
        )
        let imported = try client.send(ControlRequest(.authorizationsImport, body: body))
            .decode(AuthorizationImportResult.self)
        #expect(imported.applied && imported.imported == 12)

        var rotated = !certificates
        var killed = false
        var unexpectedGates: [String] = []
        let done = eventually(timeout: 240, interval: 0.5) {
            guard let jobs = (try? Self.call(dir, "jobs.list", ["plan": "real"])) as [Job]? else { return false }
            for job in jobs where job.status == .gated {
                if [.cancelOrders, .submitApplication, .awaitReview].contains(job.step) {
                    _ = try? client.send(ControlRequest(.jobsConfirm, args: ["id": job.id]))
                } else {
                    unexpectedGates.append("\(job.id) at \(job.step): \(job.lastError ?? "")")
                }
            }
            let unbinding = jobs.contains { $0.step == .confirmUnbind || $0.step == .removeHardware }
            if !rotated && unbinding {
                // The platform signs with a new certificate from now on; the daemon must fetch it, not give up.
                rotated = RawHTTP.status(server.base, "POST /platform/wechatpay/_rotate HTTP/1.1") == 200
            }
            if !killed && unbinding {
                daemon.signal(SIGKILL)
                daemon.waitForExit(timeout: 10)
                daemon = (try? Self.start(dir, config: config, 1)) ?? daemon
                killed = true
            }
            return ((try? Self.call(dir, "plans.show", ["id": "real"])) as PlanView?)?.state.status == .completed
        }
        let jobs: [Job] = (try? Self.call(dir, "jobs.list", ["plan": "real"])) ?? []
        let stuck = jobs.filter { $0.status != .completed }.map {
            "\($0.id) \($0.status) at \($0.step): \($0.lastError ?? "")"
        }
        #expect(done, "\(stuck)\n\(String(daemon.log.suffix(2000)))")
        #expect(killed && rotated)
        #expect(unexpectedGates.isEmpty, "\(unexpectedGates)")
        // No private key or APIv3 key in any --json output, the logs or the state database.
        var places: [(String, String)] = []
        for command in [
            ["status"], ["platform", "check"], ["authorizations", "list"], ["jobs", "list"],
            ["alerts", "list", "--all"],
            ["plans", "show", "real"],
        ] {
            let result = try Ctl.run(command + ["--json"], socket: dir.file("control.sock"))
            places.append(("posrevokectl \(command.joined(separator: " ")) --json", result.stdout + result.stderr))
        }
        // Every signed call named the key the daemon verifies answers with, from the first one on.
        let stats = try #require(RawHTTP.exchange(server.base, "GET /platform/wechatpay/_stats HTTP/1.1"))
        struct SerialStats: Decodable { var unnamed_serial: Int }
        let unnamed = try JSONDecoder().decode(SerialStats.self, from: stats.body).unnamed_serial
        #expect(unnamed == 0, "\(unnamed) calls without a listed Wechatpay-Serial")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
        let logs = (0...1).map { (try? String(contentsOfFile: dir.file("daemon-\($0).log"), encoding: .utf8)) ?? "" }
            .joined()
        #expect(logs.contains("not believed"), "some forged answers reached the daemon and were refused")
        #expect(!logs.contains("SIGN_ERROR"), "every request was signed as the platforms check it")
        places.append(("the daemon's logs", logs))
        let state = dir.file("state")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: state)) ?? [] {
            let bytes = FileManager.default.contents(atPath: state + "/" + name) ?? Data()
            places.append(("state/\(name)", String(decoding: bytes, as: UTF8.self)))
        }
        #expect(places.count > 7)
        for secret in try Self.secretMarkers(dir) {
            for (place, text) in places where text.contains(secret) {
                Issue.record("\(place) holds part of a secret key (\(secret.prefix(6))…)")
            }
        }

        let queue = try DatabaseQueue(path: dir.file("sim.sqlite"))
        let (orders, authorizations) = try queue.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT out_order_no, provider, state FROM orders").map {
                    ($0["out_order_no"] as String, $0["provider"] as String, $0["state"] as String)
                },
                try Row.fetchAll(db, sql: "SELECT value, active FROM user_authorizations").map {
                    ($0["value"] as String, $0["active"] as Bool)
                }
            )
        }
        let effects = try SimulationStore(path: dir.file("sim.sqlite")).effects()
        let calls = try SimulationStore(path: dir.file("sim.sqlite")).calls()
        let wechatOrders = orders.filter { $0.1 == "wechat-payscore" }
        #expect(!wechatOrders.isEmpty && wechatOrders.allSatisfy { $0.2 == "cancelled" }, "\(orders)")
        #expect(orders.filter { $0.1 == "alipay-credit" }.allSatisfy { $0.2 == "open" }, "no Alipay order API")
        let cancels = effects.filter { $0.key.hasSuffix("/wechat-payscore/cancel-order") }.values.reduce(0, +)
        #expect(cancels == wechatOrders.count, "each WeChat order cancelled once: \(cancels) for \(wechatOrders.count)")
        #expect(authorizations.count == 12 && authorizations.allSatisfy { !$0.1 }, "\(authorizations)")
        for (value, _) in authorizations {
            let provider = value.hasPrefix("AC") || value.hasPrefix("oUpF") ? "wechat-payscore" : "alipay-credit"
            let key = "\(value)/\(provider)/terminate-authorization"
            // Calls, not only effects: a lost or forged answer made the daemon query first, never call again.
            #expect(effects[key] == 1, "\(key): \(String(describing: effects[key])) effects")
            #expect(calls[key]?.values.reduce(0, +) == 1, "\(key): \(String(describing: calls[key])) calls")
        }
    }

    /// Pieces of every secret the run uses: each private key's Base64 lines, and the APIv3 key.
    static func secretMarkers(_ dir: TestDirectory) throws -> [String] {
        var markers = [
            try String(contentsOfFile: dir.file("keys/wechatpay-apiv3-key"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        ]
        for name in ["wechatpay-merchant-key.pem", "alipay-app-key.pem"] {
            let pem = try String(contentsOfFile: dir.file("keys/\(name)"), encoding: .utf8)
            markers += pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 40 }.map(String.init)
        }
        #expect(markers.count > 20 && markers[0].count == 32)
        return markers
    }

    @Test("platform check: the right keys pass in both key modes; wrong keys are named", .timeLimit(.minutes(2)))
    func check() throws {
        for certificates in [false, true] {
            let dir = try TestDirectory()
            let server = try Self.simulator(dir, certificates: certificates, faults: "transient_error_share: 0")
            var daemon = try Self.start(dir, config: try Self.config(dir), 0)
            let client = ControlClient(path: dir.file("control.sock"))
            #expect(eventually(timeout: 20, interval: 0.2) { (try? client.send(ControlRequest(.status)).ok) == true })
            let good: [PlatformCheckResult] = try Self.call(dir, "platform.check")
            #expect(good.allSatisfy(\.ok) && good.count == 2, "\(good)")
            daemon.signal(SIGTERM)
            #expect(daemon.waitForExit(timeout: 30) == 0)

            // Another merchant's and app's keys: both platforms refuse the signature, and the answer says where.
            let other = try RSASigningKey.generate().pemRepresentation
            let wrong = try String(contentsOfFile: dir.file("posrevoke.yaml"), encoding: .utf8)
                .replacingOccurrences(
                    of: dir.file("keys/wechatpay-merchant-key.pem"),
                    with: try dir.writeSecret("m.pem", other)
                )
                .replacingOccurrences(
                    of: dir.file("keys/alipay-app-key.pem"),
                    with: try dir.writeSecret("a.pem", other)
                )
            daemon = try Self.start(dir, config: try dir.write("wrong.yaml", wrong), 1)
            #expect(eventually(timeout: 20, interval: 0.2) { (try? client.send(ControlRequest(.status)).ok) == true })
            let response = try client.send(ControlRequest(.platformCheck))
            let bad = try response.decode([PlatformCheckResult].self)
            #expect(bad.count == 2 && bad.allSatisfy { !$0.ok }, "\(bad)")
            let details = bad.map(\.detail).joined(separator: "\n")
            #expect(
                details.contains("SIGN_ERROR") && details.contains("platform.wechatpay.private_key_file"),
                "\(details)"
            )
            #expect(
                details.contains("isv.invalid-signature") && details.contains("platform.alipay.app_id"),
                "\(details)"
            )
            #expect(!details.contains("BEGIN"), "no key material in answers")
            daemon.signal(SIGTERM)
            #expect(daemon.waitForExit(timeout: 30) == 0)
            #expect(server.stop() == 0)
        }
    }

    @Test("the WeChat Pay simulator refuses what WeChat Pay refuses: CRLF, milliseconds, a wrong serial or key")
    func simulatorRefusals() throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(dir, certificates: false, faults: "transient_error_share: 0")
        let merchant = try RSASigningKey(
            pem: try String(contentsOfFile: dir.file("keys/wechatpay-merchant-key.pem"), encoding: .utf8)
        )
        let target =
            "/platform/wechatpay/v3/payscore/serviceorder?out_order_no=none&service_id=00004000000000123456"
            + "&appid=wx8888888888888888"
        let now = Int64(Date().timeIntervalSince1970)
        func status(
            key: RSASigningKey = merchant,
            serial: String = "3775B6A45ACD588826D15E583A95F5DD00000000",
            timestamp: Int64 = now,
            lineEnd: String = "\n"
        ) throws -> Int? {
            let nonce = WeChatPayNonce.make()
            let message = ["GET", target, String(timestamp), nonce, ""].joined(separator: lineEnd) + lineEnd
            let signature = try key.signature(for: Data(message.utf8)).base64EncodedString()
            let header =
                "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"\(nonce)\","
                + "signature=\"\(signature)\",timestamp=\"\(timestamp)\",serial_no=\"\(serial)\""
            return RawHTTP.status(server.base, "GET \(target) HTTP/1.1", headers: [header])
        }
        // Signed as published: the platform accepts it, and the order is unknown.
        #expect(try status() == 404)
        #expect(try status(lineEnd: "\r\n") == 401)
        #expect(try status(timestamp: now * 1000) == 401)
        #expect(try status(timestamp: now - 301) == 401)
        #expect(try status(serial: "3775B6A45ACD588826D15E583A95F5DD00000001") == 401)
        #expect(try status(key: try RSASigningKey.generate()) == 401)
        #expect(RawHTTP.status(server.base, "GET \(target) HTTP/1.1") == 401)
        #expect(server.stop() == 0)
    }
}
