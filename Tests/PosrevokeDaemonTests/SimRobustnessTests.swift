import Foundation
import Testing

/// posrevoke-sim answers whatever arrives on its socket: no request line, query or header makes it trap.
@Suite("posrevoke-sim against hostile requests", .serialized)
struct SimRobustnessTests {
    static let config = """
        simulation: {seed: 5, transactions_per_minute: 60}
        terminals:
          - {id: t-1, store: s-1, providers: {wechat-payscore: {state: cancelled, cutover: 2026-01-01T00:00:00Z}}}

        """

    /// Request lines that once trapped (`?=`) or come close: empty names, empty values, stray `%`, huge numbers,
    /// missing path parts, on every route family, before and after authentication.
    static let requestLines = [
        "GET /t/t-1/v1/transactions?= HTTP/1.1",
        "GET /t/t-1/v1/transactions?=&= HTTP/1.1",
        "GET /t/t-1/v1/transactions?& HTTP/1.1",
        "GET /t/t-1/v1/transactions?=x&after HTTP/1.1",
        "GET /t/t-1/v1/transactions?after=%&limit=% HTTP/1.1",
        "GET /t/t-1/v1/transactions?after=99999999999999999999999&limit=-1 HTTP/1.1",
        "GET /t/t-1/v1/transactions?after=9223372036854775807&limit=10000 HTTP/1.1",
        "GET /t/t-1/v1/feedback?after=-1&limit=0 HTTP/1.1",
        "GET /t/t-1/v1/updates/%ZZ HTTP/1.1",
        "GET /t/t-1/v1/updates/ HTTP/1.1",
        "POST /t/t-1/v1/payment-methods//disable HTTP/1.1",
        "POST /t/t-1/v1/notices?= HTTP/1.1",
        "GET /t/?= HTTP/1.1",
        "GET /t HTTP/1.1",
        "GET /?= HTTP/1.1",
        "GET / HTTP/1.1",
        "GET /metrics/?= HTTP/1.1",
        "GET /metrics/ HTTP/1.1",
        "GET /metrics/t-1?= HTTP/1.1",
        "GET /platform/?= HTTP/1.1",
        "GET /platform/wechat-payscore/v3/payscore/serviceorder?= HTTP/1.1",
        "GET /platform/wechat-payscore/v3/payscore/permissions/authorization-code/%?= HTTP/1.1",
        "POST /platform/wechat-payscore/v3/payscore/serviceorder//cancel?= HTTP/1.1",
        "POST /g/?= HTTP/1.1",
        "POST /g/gw-1/v1/gateway/transactions?= HTTP/1.1",
        "GET /g/gw-1/v1/gateway/transactions HTTP/1.1",
        "POST /g//v1/gateway/transactions HTTP/1.1",
        "GET /platform/wechatpay/v3/payscore/serviceorder?= HTTP/1.1",
        "GET /platform/wechatpay/v3/payscore/serviceorder?out_order_no=%&service_id=&appid= HTTP/1.1",
        "POST /platform/wechatpay/v3/payscore/permissions/authorization-code//terminate?= HTTP/1.1",
        "GET /platform/wechatpay/v3/bill/tradebill?bill_date=%&bill_type= HTTP/1.1",
        "GET /platform/wechatpay/v3/billdownload/file?= HTTP/1.1",
        "GET /platform/wechatpay/v3/certificates?= HTTP/1.1",
        "POST /platform/wechatpay/_callback?= HTTP/1.1",
        "POST /platform/wechatpay/_bill_fault HTTP/1.1",
        "POST /platform/alipay/gateway.do?= HTTP/1.1",
        "POST /platform/alipay/gateway.do?method=&sign=%&timestamp= HTTP/1.1",
        "GET /platform/alipay/?= HTTP/1.1",
        "GET /tms/paxstore?= HTTP/1.1",
        "GET /tms/paxstore/v1/3rdsys/terminals?= HTTP/1.1",
        "GET /tms/paxstore/v1/3rdsys/terminals?sysKey=&timestamp=99999999999999999999&pageNo=-1&pageSize=% HTTP/1.1",
        "POST /tms/paxstore/v1/3rdsys/terminalApks?= HTTP/1.1",
        "GET /tms/paxstore/v1/3rdsys/terminalApks?serialNo=&pidList=%&=& HTTP/1.1",
    ]

    static let authorizations = [
        "Authorization: Bearer s3cret",
        "Authorization: Bearer",
        "Authorization: WECHATPAY2-SHA256-RSA2048 =",
        "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1\",nonce_str=\"n\",timestamp=\"99999999999999999999\",serial_no=\"s\",signature=\"%%\"",
        "Authorization: WECHATPAY2-SHA256-RSA2048 timestamp=\"-9223372036854775808\",nonce_str=\"x\",mchid=\"\",serial_no=\"\",signature=\"\"",
        "signature: %%",
        "Wechatpay-Serial: ",
    ]

    @Test(
        "every odd request line, query and header gets an answer, and the simulator keeps serving",
        .timeLimit(.minutes(1))
    )
    func hostileRequests() throws {
        let dir = try TestDirectory()
        try dir.writeSecret("token", "s3cret\n")
        try dir.writeSecret("platform.key", "c2VjcmV0LWtleS1mb3ItdGhlLXRlc3Q=\n")
        let sim = try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", Self.config), "--token-file", dir.file("token"),
                "--platform-key-file", dir.file("platform.key"), "--real-platforms", dir.file("keys"),
                "--paxstore", dir.file("paxstore"),
            ],
            log: dir.file("sim.log")
        )
        var unanswered: Set<String> = []
        for line in Self.requestLines {
            for authorization in [[]] + Self.authorizations.map({ [$0] }) {
                if RawHTTP.status(sim.base, line, headers: authorization, body: "{}") == nil { unanswered.insert(line) }
                #expect(sim.process.isRunning, "the simulator died on \(line): \(sim.log)")
                guard sim.process.isRunning else { return }
            }
        }
        // Metrics of a terminal the simulator does not serve close without an answer, as an offline terminal does;
        // every other request is answered.
        #expect(unanswered == ["GET /metrics/?= HTTP/1.1", "GET /metrics/ HTTP/1.1"], "\(unanswered)")
        // Still serving, and still refusing what it should.
        #expect(
            RawHTTP.status(sim.base, "GET /t/t-1/v1/status HTTP/1.1", headers: ["Authorization: Bearer s3cret"]) == 200
        )
        #expect(RawHTTP.status(sim.base, "GET /t/t-1/v1/status HTTP/1.1") == 401)
        #expect(
            RawHTTP.status(
                sim.base,
                "GET /t/t-1/v1/transactions?limit=0 HTTP/1.1",
                headers: ["Authorization: Bearer s3cret"]
            )
                == 400
        )
        #expect(sim.stop() == 0, "a clean exit after all of it")
    }
}
