import AsyncHTTPClient
import Foundation
import PosrevokeCore
import Synchronization
import Testing

@testable import PosrevokeDaemon

/// The PAXSTORE driver against a scripted TMS: every business code does what docs/tms.md says, counted in requests.
@Suite("PAXSTORE driver", .serialized)
struct PaxstoreDriverTests {
    static let client = HTTPClient(eventLoopGroupProvider: .singleton)

    /// A driver for a fresh key (the key's budget is shared by every client of it in the process).
    static func driver(_ server: ScriptedHTTPServer, _ dir: TestDirectory) throws -> PaxstoreDriver {
        var account = PaxstoreAccount(
            baseURL: server.base,
            apiKey: "K\(UUID().uuidString.prefix(8).filter { $0.isLetter || $0.isNumber })",
            apiSecretFile: try dir.writeSecret("paxstore-secret", "s3cret\n"),
            packageName: "com.example.pos"
        )
        account.appVersion = "2.0.0"
        account.parameters[.wechatPayscore] = PaxstoreParameter(
            template: "pay.xml",
            pid: "payscore.enabled",
            off: "false",
            on: "true"
        )
        account.pluginPackages[.wechatPayscore] = "com.example.plugin"
        return PaxstoreDriver(client: PaxstoreClient(account: account, client: client, timeout: .seconds(5)))
    }

    static let terminal: Terminal = {
        var terminal = Terminal(
            id: "t-1",
            store: "s-1",
            driver: "agent",
            pollInterval: .seconds(10),
            providers: [.wechatPayscore: .init(state: .cancelled, cutover: Date())]
        )
        terminal.tms = "paxstore"
        terminal.serialNo = "1170012345"
        return terminal
    }()

    static func path(_ request: ScriptedHTTPServer.Request) -> String {
        String(request.path.split(separator: "?").first ?? "")
    }

    static func tasks(_ rows: [(status: Int, value: String, error: Int?)]) -> ScriptedHTTPServer.Answer {
        let items = rows.enumerated().map { index, row in
            #"{"id":\#(100 - index),"paramTemplateName":"pay.xml","actionStatus":\#(row.status),"#
                + #""errorCode":\#(row.error.map(String.init) ?? "null"),"#
                + #""configuredParameters":{"payscore.enabled":"\#(row.value)"}}"#
        }
        return .init(
            status: 200,
            body: #"{"businessCode":0,"pageInfo":{"dataSet":[\#(items.joined(separator: ","))]}}"#
        )
    }

    func outcome(_ work: () async throws -> Void) async -> String {
        do {
            try await work()
            return "ok"
        } catch let error as DriverError {
            switch error {
            case .pending(let what): return "pending: \(what)"
            case .permanent(let what): return "permanent: \(what)"
            case .throttled(let what, _): return "throttled: \(what)"
            default: return "retry: \(error)"
            }
        } catch {
            return "other: \(error)"
        }
    }

    @Test("close-service follows the push PAXSTORE has, and pushes only when it has none it can follow")
    func parameterPush() async throws {
        let dir = try TestDirectory()
        // Each case: what the search answers, and what the step hears; a POST is made only where there is nothing to
        // follow.
        let cases: [([(status: Int, value: String, error: Int?)], String, Int)] = [
            ([(2, "false", nil)], "ok", 0),
            ([(4, "false", nil)], "pending: the payscore.enabled=false parameter push (task 100): waiting", 0),
            ([(1, "false", nil)], "pending: the payscore.enabled=false parameter push (task 100): the terminal", 0),
            ([(2, "true", nil)], "pending: the payscore.enabled=false parameter push (task 7) made", 1),
            ([], "pending: the payscore.enabled=false parameter push (task 7) made", 1),
            ([(3, "false", 9)], "pending: the payscore.enabled=false parameter push (task 7) made", 1),
            (
                [(3, "false", 9), (3, "false", 9), (3, "false", 9)],
                "permanent: the payscore.enabled=false parameter push failed 3 times, the last: task expired", 0
            ),
        ]
        for (rows, expected, posts) in cases {
            let server = try ScriptedHTTPServer { request, _ in
                switch (request.method, Self.path(request)) {
                case ("GET", "/v1/3rdsys/terminalApks"): Self.tasks(rows)
                case ("POST", "/v1/3rdsys/terminalApks"):
                    .init(status: 200, body: #"{"businessCode":0,"data":{"id":7,"actionStatus":0}}"#)
                default: .init(status: 404, body: #"{"businessCode":404}"#)
                }
            }
            defer { server.stop() }
            let driver = try Self.driver(server, dir)
            let heard = await outcome {
                try await driver.setCreditPay(.wechatPayscore, enabled: false, on: Self.terminal)
            }
            #expect(heard.hasPrefix(expected), "\(rows): \(heard)")
            let pushes = server.requests.filter { $0.method == "POST" }
            #expect(pushes.count == posts, "\(rows)")
            if let push = pushes.first {
                #expect(push.body.contains(#""parameters":{"payscore.enabled":"false"}"#), "\(push.body)")
                #expect(
                    push.body.contains(#""serialNo":"1170012345""#) && push.body.contains(#""templateName":"pay.xml""#)
                )
            }
        }
    }

    @Test("2022, 2023 and 2037 are the successes they stand for; 2028 names serial_no; 5xx is retried")
    func businessCodes() async throws {
        let dir = try TestDirectory()
        for (code, status, expected) in [
            (2022, 400, "ok"), (2023, 400, "ok"), (0, 200, "ok"), (2028, 400, "permanent: PAXSTORE does not know"),
            (1888, 400, "permanent: PAXSTORE refused it (1888"), (500, 500, "retry: "),
        ] {
            let server = try ScriptedHTTPServer { _, _ in
                .init(status: status, body: #"{"businessCode":\#(code),"message":"m","data":{"id":1}}"#)
            }
            defer { server.stop() }
            let driver = try Self.driver(server, dir)
            let heard = await outcome {
                try await driver.pushUpdate(id: "j", removing: [.wechatPayscore], on: Self.terminal)
            }
            #expect(heard.hasPrefix(expected), "\(code): \(heard)")
            #expect(server.requests.first?.body.contains(#""version":"2.0.0""#) == true)
        }
        for (code, expected) in [(2037, "ok"), (0, "ok"), (2028, "permanent: PAXSTORE does not know the terminal")] {
            let server = try ScriptedHTTPServer { _, _ in
                .init(status: code == 0 ? 200 : 400, body: #"{"businessCode":\#(code),"message":"m"}"#)
            }
            defer { server.stop() }
            let driver = try Self.driver(server, dir)
            let heard = await outcome { try await driver.removeProviderSoftware(.wechatPayscore, on: Self.terminal) }
            #expect(heard.hasPrefix(expected), "\(code): \(heard)")
            #expect(server.requests.first.map(Self.path) == "/v1/3rdsys/terminalApks/uninstall")
            #expect(server.requests.first?.body.contains(#""packageName":"com.example.plugin""#) == true)
        }
    }

    @Test("await-update reads actionStatus and errorCode of the newest version push")
    func awaitUpdate() async throws {
        let dir = try TestDirectory()
        for (status, error, expected) in [
            (0, "null", "pending"), (4, "null", "pending"), (1, "null", "applying"), (2, "null", "done"),
            (3, "9", "failed"),
        ] {
            let server = try ScriptedHTTPServer { _, _ in
                .init(
                    status: 200,
                    body:
                        #"{"businessCode":0,"pageInfo":{"dataSet":[{"id":5,"paramTemplateName":"pay.xml","actionStatus":2},"#
                        + #"{"id":4,"apkVersionName":"2.0.0","actionStatus":\#(status),"errorCode":\#(error)}]}}"#
                )
            }
            defer { server.stop() }
            let state = try await Self.driver(server, dir).updateState(id: "j", on: Self.terminal)
            #expect(state?.state == expected)
            if expected == "failed" {
                #expect(state?.error?.contains("task expired") == true, "\(String(describing: state))")
            }
        }
    }

    @Test("129 stops the key: the next call is refused without reaching PAXSTORE, until a reload")
    func authenticationFailureStopsTheKey() async throws {
        let dir = try TestDirectory()
        let server = try ScriptedHTTPServer { _, _ in
            .init(status: 401, body: #"{"businessCode":129,"message":"Authentication failed"}"#)
        }
        defer { server.stop() }
        let driver = try Self.driver(server, dir)
        for _ in 0..<3 {
            let heard = await outcome { try await driver.pushUpdate(id: "j", removing: [], on: Self.terminal) }
            #expect(heard.contains("tms.paxstore.api_key and api_secret_file"), "\(heard)")
        }
        #expect(server.requests.count == 1, "calls after the first refusal: \(server.requests.count - 1)")
        PaxstoreClient.resumeAll()
        _ = await outcome { try await driver.pushUpdate(id: "j", removing: [], on: Self.terminal) }
        #expect(server.requests.count == 2, "a reload lets the key be tried again")
    }

    @Test("a 429 is sat out until X-RateLimit-Reset, a long one comes back as a retry after the reset")
    func throttled() async throws {
        let dir = try TestDirectory()
        let reset = Date().addingTimeInterval(2)
        // Every query differs (its timestamp): count the requests here.
        let served = Mutex(0)
        let server = try ScriptedHTTPServer { _, _ in
            served.withLock {
                $0 += 1
                return $0
            } == 1
                ? .init(
                    status: 429,
                    headers: [
                        "X-RateLimit-Limit: 3000", "X-RateLimit-Remaining: 0",
                        "X-RateLimit-Reset: \(Int64(reset.timeIntervalSince1970 * 1000))",
                    ],
                    body: #"{"businessCode":429,"message":"Too many requests"}"#
                )
                : .init(
                    status: 200,
                    headers: ["X-RateLimit-Limit: 3000", "X-RateLimit-Remaining: 2000"],
                    body: #"{"businessCode":0,"data":{"serialNo":"1170012345","onlineStatus":2}}"#
                )
        }
        defer { server.stop() }
        let driver = try Self.driver(server, dir)
        let first = await outcome { _ = try await driver.status(of: Self.terminal) }
        #expect(first.hasPrefix("throttled: PAXSTORE answered 429"), "\(first)")
        // The next call waits for the reset (2 s, within the 5 s a call sits out), then goes.
        let second = await outcome { _ = try await driver.status(of: Self.terminal) }
        #expect(second == "ok", "\(second)")
        let times = server.requests.map(\.at)
        #expect(times.count == 2)
        #expect(times.last.map { $0 >= reset.addingTimeInterval(-0.05) } == true, "sent before the reset")
    }
}
