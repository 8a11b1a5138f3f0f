import Foundation
import PosrevokeControl
import PosrevokeCore
import Testing

/// The optional gateway batch endpoint against a scripted gateway over loopback: one request per gateway tick
/// carries every terminal's cursor, each terminal's part of the answer counts for that terminal alone.
@Suite("Gateway batch polls over HTTP", .serialized)
struct GatewayBatchTests {
    static let terminals = (1...6).map { "t-\($0)" }

    /// t-1 has one lingering Pay Score payment; t-5's till is offline; t-6 answers a page whose seq goes back.
    static func answer(_ request: ScriptedHTTPServer.Request, _ count: Int) -> ScriptedHTTPServer.Answer {
        guard request.method == "POST", request.path == "/gw/v1/gateway/transactions",
            let json = try? JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any],
            let asked = json["terminals"] as? [[String: Any]]
        else { return .init(status: 404, body: #"{"error": "not_found", "message": "no such resource"}"#) }
        let now = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let entries = asked.map { cursor -> String in
            let id = cursor["terminal_id"] as? String ?? ""
            let after = cursor["after"] as? Int ?? -1
            switch id {
            case "t-1" where after == 0:
                return #"""
                    {"terminal_id": "t-1", "next_after": 1, "transactions": [{"seq": 1, "id": "t-1-1", "time": "\#(now)",
                     "method": "credit-score-pay", "provider": "wechat-payscore", "amount_minor": 2350, "currency": "CNY",
                     "outcome": "approved", "error_code": null}]}
                    """#
            case "t-5":
                // A gateway that quotes its own token in an error: it must not reach the journal.
                return
                    #"{"terminal_id": "t-5", "error": {"error": "unreachable", "message": "till offline (gw-s3cret)"}}"#
            case "t-6":
                return #"""
                    {"terminal_id": "t-6", "next_after": 0, "transactions": [{"seq": 0, "id": "t-6-0", "time": "\#(now)",
                     "method": "card", "provider": null, "amount_minor": 100, "currency": "CNY", "outcome": "approved",
                     "error_code": null}]}
                    """#
            default: return #"{"terminal_id": "\#(id)", "transactions": [], "next_after": \#(after)}"#
            }
        }
        return .init(status: 200, body: #"{"terminals": [\#(entries.joined(separator: ","))]}"#)
    }

    @Test(
        "one request per gateway tick; each terminal's page, refusal or error counts for it alone",
        .timeLimit(.minutes(2))
    )
    func batch() throws {
        let dir = try TestDirectory()
        let port = try PlatformEvidenceProcessTests.freePort()
        let gateway = try ScriptedHTTPServer(Self.answer)
        defer { gateway.stop() }
        let lines = Self.terminals.map {
            "  - {id: \($0), store: s-1, driver: agent, url: \"\(gateway.base)/t/\($0)\", gateway: gw-a, "
                + "providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}"
        }
        let config = try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 1s, timeout: 2s}
            metrics: {listen: "127.0.0.1:\(port)"}
            detection: {terminal_unreachable: {consecutive_failures: 2}}
            gateways:
              gw-a: {url: "\(gateway.base)/gw", token_file: "\(try dir.writeSecret("gw.token", "gw-s3cret\n"))", allow_plain_http: true}
              gw-b: {url: "http://127.0.0.1:1"}
            terminals:
            \(lines.joined(separator: "\n"))
              - {id: t-7, store: s-1, driver: agent, url: "http://127.0.0.1:1/t/t-7", gateway: gw-b, providers: {wechat-payscore: {state: active}}}

            """
        )
        let socket = dir.file("control.sock")
        let daemon = try DaemonProcess.console(config: config, in: dir)
        func call<T: Decodable>(_ command: String, as type: T.Type) throws -> T {
            try ControlClient(path: socket).send(ControlRequest(command: command)).decode(type)
        }
        func firing(_ kind: String) -> [String: String] {
            let alerts = (try? call("alerts.list", as: [AlertView].self)) ?? []
            return Dictionary(
                alerts.filter { $0.kind == kind && $0.state == "firing" }.map { ($0.terminal, $0.summary) }
            ) { a, _ in a }
        }
        let expected = [
            "t-5": "gateway gw-a: unreachable: till offline",
            "t-6": "gateway gw-a: protocol error: seq went backwards",
            "t-7": "gateway gw-b: unreachable",
        ]
        let settled = eventually(timeout: 30, interval: 0.25) {
            Set(firing("terminal-unreachable").keys) == Set(expected.keys)
                && firing("lingering-credit-pay").keys.contains("t-1")
        }
        Thread.sleep(forTimeInterval: 3)
        let unreachable = firing("terminal-unreachable")
        #expect(settled, "unreachable: \(unreachable); daemon log:\n\(daemon.log.suffix(3000))")
        for (terminal, reason) in expected {
            #expect(unreachable[terminal]?.contains(reason) == true, "\(terminal): \(unreachable[terminal] ?? "-")")
        }
        #expect(unreachable["t-5"]?.contains("[redacted]") == true && !daemon.log.contains("gw-s3cret"))
        // Each gateway's requests by outcome, as /metrics tells them.
        let metrics = RawHTTP.exchange("http://127.0.0.1:\(port)", "GET /metrics HTTP/1.1").map {
            String(decoding: $0.body, as: UTF8.self)
        }
        let okCount = metrics.flatMap {
            MetricsEndpointTests.value($0, #"posrevoke_gateway_requests_total{gateway="gw-a",outcome="ok"}"#)
        }
        let unreachableCount = metrics.flatMap {
            MetricsEndpointTests.value($0, #"posrevoke_gateway_requests_total{gateway="gw-b",outcome="unreachable"}"#)
        }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)

        // Counted in requests: no terminal was polled on its own, and every batch named the healthy terminals
        // together, t-1 at cursor 0 until its page was committed and at 1 from then on.
        let requests = gateway.requests
        #expect(!requests.contains { $0.path.hasSuffix("/v1/transactions") || $0.path.contains("/transactions?") })
        let batches = requests.filter { $0.path == "/gw/v1/gateway/transactions" }.compactMap { request in
            (try? JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])?["terminals"]
                as? [[String: Any]]
        }
        #expect(batches.count >= 5, "\(batches.count) batches")
        #expect(
            (okCount ?? 0) >= 5 && (okCount ?? .infinity) <= Double(batches.count),
            "ok \(okCount ?? -1) of \(batches.count)"
        )
        #expect((unreachableCount ?? 0) >= 2, "gw-b unreachable \(unreachableCount ?? -1)")
        let elapsed = (requests.last?.at ?? Date()).timeIntervalSince(requests.first?.at ?? Date())
        #expect(Double(batches.count) <= elapsed + 2, "one batch per 1 s tick: \(batches.count) in \(elapsed) s")
        var cursors: [Int] = []
        for batch in batches {
            let named = Dictionary(batch.map { ($0["terminal_id"] as? String ?? "", $0["after"] as? Int ?? -1) }) {
                a,
                _ in a
            }
            #expect(Set(["t-1", "t-2", "t-3", "t-4"]).isSubset(of: named.keys), "\(named)")
            #expect(Set(named.keys).isSubset(of: Self.terminals), "\(named)")
            cursors.append(named["t-1"] ?? -1)
        }
        #expect(cursors.first == 0 && cursors.last == 1 && cursors == cursors.sorted(), "t-1's cursors: \(cursors)")
        // The failing terminals back off like any other: asked less often than the healthy ones.
        let t5 = batches.filter { $0.contains { $0["terminal_id"] as? String == "t-5" } }.count
        #expect(t5 < batches.count, "t-5 in \(t5) of \(batches.count) batches")
    }
}
