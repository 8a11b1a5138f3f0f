import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Testing

@Suite("Simulated PAXSTORE")
struct SimulatedPaxstoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let key = "TESTKEY0001"
    let secret = "s3cretS3cretS3cretS3cretS3cret00"

    /// Two terminals with both providers; `t-2` has a configured serial.
    func paxstore(_ tweak: (inout TMSSimulationConfig) -> Void = { _ in }) -> (SimulatedPaxstore, SimulatedFleet) {
        var simulation = SimulationSection()
        simulation.seed = 11
        simulation.tms.taskDelay = .seconds(10)
        simulation.tms.taskExpiry = .seconds(20)
        tweak(&simulation.tms)
        let providers: [CreditProvider: ProviderCancellation] = [
            .wechatPayscore: ProviderCancellation(state: .active, cutover: nil),
            .alipayCredit: ProviderCancellation(state: .active, cutover: nil),
        ]
        var second = Terminal(id: "t-2", store: "s-b", pollInterval: .seconds(10), providers: providers)
        second.serialNo = "PAX0002"
        let terminals = [Terminal(id: "t-1", store: "s-a", pollInterval: .seconds(10), providers: providers), second]
        let fleet = SimulatedFleet(simulation: simulation, terminals: terminals, start: t0)
        let paxstore = SimulatedPaxstore(
            simulation: simulation,
            terminals: terminals,
            fleet: fleet,
            accessKey: key,
            secret: secret
        )
        return (paxstore, fleet)
    }

    /// A request signed as the client signs it; `secret` spoils the signature when it is not the key's.
    func call(
        _ paxstore: SimulatedPaxstore,
        _ method: String,
        _ path: String,
        _ parameters: [(String, String)] = [],
        body: (some Encodable)? = Optional<Int>.none,
        secret: String? = nil,
        at now: Date
    ) throws -> SimulatedPaxstore.Reply {
        let stamp = Int64(now.timeIntervalSince1970 * 1000)
        let query = PaxstoreSigning.query(parameters, key: key, timestamp: stamp)
        let signature = PaxstoreSigning.signature(query: query, secret: secret ?? self.secret)
        let data = try body.map { try PaxstoreWire.encoder.encode($0) } ?? Data()
        return paxstore.handle(
            method: method,
            uri: "/v1/3rdsys\(path)?\(query)",
            signature: signature,
            body: data,
            now: now
        )
    }

    func code(_ reply: SimulatedPaxstore.Reply) -> Int? {
        (try? PaxstoreWire.decoder.decode(PaxstoreWire.Envelope.self, from: reply.body))?.businessCode
    }

    func task(_ reply: SimulatedPaxstore.Reply) throws -> PaxstoreWire.TerminalApk {
        try #require(
            try PaxstoreWire.decoder.decode(PaxstoreWire.DataEnvelope<PaxstoreWire.TerminalApk>.self, from: reply.body)
                .data
        )
    }

    func disable(_ serial: String, _ value: String = "false") -> PaxstoreWire.PushRequest {
        PaxstoreWire.PushRequest(
            serialNo: serial,
            packageName: SimulatedPaxstore.paymentPackage,
            templateName: "pay.xml",
            parameters: ["wechat-payscore.enabled": value]
        )
    }

    func creditPayEnabled(_ fleet: SimulatedFleet, _ terminal: String, at now: Date) throws -> Bool? {
        try fleet.status(of: terminal, now: now).paymentMethods.first {
            $0.method == .creditScorePay && $0.provider == CreditProvider.wechatPayscore.rawValue
        }?.enabled
    }

    @Test("a push goes 0, 1, 2 with time and switches the terminal once")
    func lifecycle() throws {
        let (paxstore, fleet) = paxstore()
        let created = try call(paxstore, "POST", "/terminalApks", body: disable("SN-t-1"), at: t0)
        #expect(created.status == 200)
        let id = try task(created).id
        #expect(id == 1000)
        #expect(try task(created).actionStatus == 0)
        let status = { (seconds: Double) throws -> Int? in
            try task(call(paxstore, "GET", "/terminalApks/\(id)", at: t0.addingTimeInterval(seconds))).actionStatus
        }
        #expect(try status(2) == 0)
        #expect(try creditPayEnabled(fleet, "t-1", at: t0.addingTimeInterval(6)) == true)
        #expect(try status(6) == 1)
        paxstore.settle(now: t0.addingTimeInterval(10))
        #expect(try creditPayEnabled(fleet, "t-1", at: t0.addingTimeInterval(10)) == false)
        #expect(try status(11) == 2)
        #expect(try status(30) == 2)
        let effects = try fleet.effects()
        #expect(effects["t-1/wechat-payscore/disable"] == 1)
        #expect(effects["t-1/-/tms-params"] == 1)

        let app = PaxstoreWire.PushRequest(
            serialNo: "PAX0002",
            packageName: SimulatedPaxstore.paymentPackage,
            version: "2.0.0"
        )
        #expect(try call(paxstore, "POST", "/terminalApks", body: app, at: t0).status == 200)
        let terminal = try call(
            paxstore,
            "GET",
            "/terminal",
            [("serialNo", "PAX0002"), ("includeInstalledApks", "true")],
            at: t0.addingTimeInterval(10)
        )
        let apks =
            try PaxstoreWire.decoder.decode(PaxstoreWire.DataEnvelope<PaxstoreWire.Terminal>.self, from: terminal.body)
            .data?.installedApks ?? []
        #expect(apks.contains(.init(packageName: SimulatedPaxstore.paymentPackage, versionName: "2.0.0")))
        #expect(apks.contains(.init(packageName: "com.posrevoke.sim.alipay-credit.plugin", versionName: "1.0.0")))
        #expect(try fleet.effects()["t-2/-/tms-app"] == 1)
    }

    @Test("the same push is 2022 while pending and 2023 once done; a push that changed the slot since is new")
    func duplicates() throws {
        let (paxstore, fleet) = paxstore()
        #expect(try code(call(paxstore, "POST", "/terminalApks", body: disable("SN-t-1"), at: t0)) == 0)
        let pending = try call(paxstore, "POST", "/terminalApks", body: disable("SN-t-1"), at: t0.addingTimeInterval(1))
        #expect(pending.status == 400)
        #expect(code(pending) == 2022)
        #expect(
            try code(call(paxstore, "POST", "/terminalApks", body: disable("SN-t-1"), at: t0.addingTimeInterval(12)))
                == 2023
        )
        #expect(
            try code(
                call(paxstore, "POST", "/terminalApks", body: disable("SN-t-1", "true"), at: t0.addingTimeInterval(13))
            ) == 0
        )
        #expect(
            try code(call(paxstore, "POST", "/terminalApks", body: disable("SN-t-1"), at: t0.addingTimeInterval(14)))
                == 0
        )
        let stats = paxstore.stats(now: t0)
        #expect(stats.duplicatePushes == 2)
        #expect(stats.tasksCreated == 3)
        let calls = try fleet.effects()
        #expect(calls["t-1/-/tms-params"] == 3)
        let other = PaxstoreWire.PushRequest(serialNo: "SN-t-1", packageName: "com.other.app")
        #expect(try code(call(paxstore, "POST", "/terminalApks", body: other, at: t0)) == 2000)
        #expect(try code(call(paxstore, "POST", "/terminalApks", body: disable("NOPE"), at: t0)) == 2028)
    }

    @Test("an offline terminal's task waits (4), then expires (3, errorCode 9) without an effect")
    func offline() throws {
        let (paxstore, fleet) = paxstore { $0.offline = ["t-2"] }
        let id = try task(call(paxstore, "POST", "/terminalApks", body: disable("PAX0002"), at: t0)).id
        let waiting = try task(call(paxstore, "GET", "/terminalApks/\(id)", at: t0.addingTimeInterval(15)))
        #expect(waiting.actionStatus == 4)
        let expired = try task(call(paxstore, "GET", "/terminalApks/\(id)", at: t0.addingTimeInterval(25)))
        #expect(expired.actionStatus == 3)
        #expect(expired.errorCode == 9)
        #expect(try creditPayEnabled(fleet, "t-2", at: t0.addingTimeInterval(25)) == true)
        let network = try call(paxstore, "GET", "/terminals/network", [("serialNo", "PAX0002")], at: t0)
        let state = try PaxstoreWire.decoder.decode(
            PaxstoreWire.DataEnvelope<PaxstoreWire.Network>.self,
            from: network.body
        )
        #expect(state.data?.onlineStatus == 1)
    }

    @Test("requests beyond the window's limit are 429 with the headers, and the next window serves again")
    func rateLimit() throws {
        let (paxstore, _) = paxstore {
            $0.rateLimit = 5
            $0.rateWindow = .seconds(60)
        }
        let replies = try (0..<7).map { _ in try call(paxstore, "GET", "/terminals", at: t0) }
        #expect(replies.map(\.status) == [200, 200, 200, 200, 200, 429, 429])
        let headers = Dictionary(uniqueKeysWithValues: replies[0].headers.map { ($0.name, $0.value) })
        #expect(headers["X-RateLimit-Limit"] == "5")
        #expect(headers["X-RateLimit-Remaining"] == "4")
        #expect(headers["X-RateLimit-Reset"] == "1800000060000")
        #expect(code(replies[6]) == 429)
        #expect(try call(paxstore, "GET", "/terminals", at: t0.addingTimeInterval(61)).status == 200)
        let stats = paxstore.stats(now: t0)
        #expect(stats.overLimit == 2)
        #expect(stats.maxRequestsInAWindow == 7)
        #expect(stats.injectedThrottles == 0)
    }

    @Test("20 bad signatures lock the key; a good one is refused until the lock ends")
    func lockout() throws {
        let (paxstore, _) = paxstore()
        for n in 0..<20 {
            let reply = try call(paxstore, "GET", "/terminals", secret: "wrong", at: t0.addingTimeInterval(Double(n)))
            #expect(reply.status == 401)
            #expect(code(reply) == 129)
        }
        let refused = try call(paxstore, "GET", "/terminals", at: t0.addingTimeInterval(30))
        #expect(refused.status == 401)
        #expect(code(refused) == 129)
        let stats = paxstore.stats(now: t0.addingTimeInterval(30))
        #expect(stats.authFailures == 20)
        #expect(stats.lockedRefusals == 1)
        #expect(stats.locked)
        #expect(try call(paxstore, "GET", "/terminals", at: t0.addingTimeInterval(1830)).status == 200)
        #expect(!paxstore.stats(now: t0.addingTimeInterval(1830)).locked)
    }

    @Test("an uninstall removes the app once; the second is 2037")
    func uninstall() throws {
        let (paxstore, fleet) = paxstore()
        let request = PaxstoreWire.UninstallRequest(
            serialNo: "SN-t-1",
            packageName: "com.posrevoke.sim.wechat-payscore.plugin"
        )
        let first = try call(paxstore, "POST", "/terminalApks/uninstall", body: request, at: t0)
        #expect(first.status == 200)
        #expect(code(first) == 0)
        #expect(String(decoding: first.body, as: UTF8.self).contains(#""data":null"#))
        let second = try call(paxstore, "POST", "/terminalApks/uninstall", body: request, at: t0)
        #expect(second.status == 400)
        #expect(code(second) == 2037)
        #expect(try fleet.effects()["t-1/-/tms-uninstall"] == 1)
    }

    @Test("injected faults hit served requests only; a lost answer keeps its effect")
    func faults() throws {
        let (throttled, _) = paxstore { $0.throttleShare = 1 }
        #expect(try call(throttled, "GET", "/terminals", at: t0).status == 429)
        #expect(try call(throttled, "GET", "/terminals", secret: "wrong", at: t0).status == 401)
        #expect(throttled.stats(now: t0).injectedThrottles == 1)
        #expect(throttled.stats(now: t0).overLimit == 0)
        let (lossy, fleet) = paxstore { $0.lostAnswerShare = 1 }
        #expect(try call(lossy, "POST", "/terminalApks", body: disable("SN-t-1"), at: t0).status == 0)
        #expect(try call(lossy, "GET", "/terminalApks", [("serialNo", "SN-t-1")], at: t0).status == 200)
        #expect(lossy.stats(now: t0).lost == 1)
        #expect(try fleet.effects()["t-1/-/tms-params"] == 1)
    }

    @Test("terminals page by serial; bad paging is 997")
    func paging() throws {
        let (paxstore, _) = paxstore()
        let page = try call(paxstore, "GET", "/terminals", [("pageNo", "1"), ("limit", "1")], at: t0)
        let info = try PaxstoreWire.decoder.decode(
            PaxstoreWire.PageEnvelope<PaxstoreWire.Terminal>.self,
            from: page.body
        )
        .pageInfo
        #expect(info?.dataSet?.map(\.serialNo) == ["PAX0002"])
        #expect(info?.hasNext == true)
        #expect(info?.totalCount == 2)
        #expect(try code(call(paxstore, "GET", "/terminals", [("limit", "101")], at: t0)) == 997)
        #expect(try call(paxstore, "GET", "/nothing", at: t0).status == 404)
    }
}
