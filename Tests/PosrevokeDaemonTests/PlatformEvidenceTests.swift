import Foundation
import PosrevokeControl
import PosrevokeCore
import Testing

/// The payment platform as a second source of evidence, played by `posrevoke-sim`: gzip trade bills (good, bad
/// hash, CRLF, a malformed row, missing, read twice) and signed, encrypted Pay Score callbacks (valid, duplicated,
/// forged, stale, probes, oversized, slow).
@Suite("The platform's evidence: trade bills and callbacks", .serialized)
struct PlatformEvidenceProcessTests {
    struct Stats: Decodable {
        var bill_queries: Int
        var bill_downloads: Int
        var callbacks: [String]
    }

    static func simulator(_ dir: TestDirectory, callbacks: String? = nil) throws -> SimProcess {
        let sim = """
            simulation:
              seed: 3
              transactions_per_minute: 6
              scenario: {missed_update: [t-1, t-2, t-3]}
            platform:
              simulation: {authorizations_per_store: 2, transient_error_share: 0}
            stores:
              - {id: s-1, wechatpay_sub_mchid: "1900000101"}
            terminals:
              - {id: t-1, store: s-1, device_info: POS-0001, providers: \(Self.cancelled)}
              - {id: t-2, store: s-1, providers: \(Self.cancelled)}
              - {id: t-3, store: s-2, providers: \(Self.cancelled)}
              - {id: t-4, store: s-2, providers: \(Self.cancelled)}

            """
        return try SimProcess(
            arguments: [
                "--config", try dir.write("sim.yaml", sim), "--inventory-out", dir.file("inventory.yaml"), "--state",
                dir.file("sim.sqlite"), "--real-platforms", dir.file("keys"),
            ] + (callbacks.map { ["--callbacks-url", $0] } ?? []),
            log: dir.file("sim.log")
        )
    }

    static let cancelled = "{wechat-payscore: {state: cancelled, cutover: \"2026-01-01T00:00:00Z\"}}"

    static func config(_ dir: TestDirectory, bills: String, callbacks: String = "") throws -> String {
        let fragment = try String(contentsOfFile: dir.file("keys/platform.yaml"), encoding: .utf8)
        return try dir.write(
            "posrevoke.yaml",
            """
            polling: {interval: 2s}
            \(fragment)
            bills: \(bills)
            \(callbacks)
            stores:
              - {id: s-1, wechatpay_sub_mchid: "1900000101"}
            terminals_file: inventory.yaml

            """
        )
    }

    static func start(_ dir: TestDirectory, config: String, _ n: Int) throws -> DaemonProcess {
        try RealPlatformPlanTests.start(dir, config: config, n)
    }

    static func alerts(_ client: ControlClient) -> [AlertView] {
        (try? client.send(ControlRequest(.alertsList, args: ["all": "true"])).decode([AlertView].self)) ?? []
    }

    static func firing(_ client: ControlClient, source: String) -> Set<String> {
        Set(
            alerts(client).filter { $0.state == "firing" && $0.source == source && $0.kind == "lingering-credit-pay" }
                .map(\.key)
        )
    }

    static func stats(_ server: SimProcess) throws -> Stats {
        let answer = try #require(RawHTTP.exchange(server.base, "GET /platform/wechatpay/_stats HTTP/1.1"))
        return try JSONDecoder().decode(Stats.self, from: answer.body)
    }

    static func fault(_ server: SimProcess, _ date: String, _ fault: String) {
        let body = #"{"date":"\#(date)","fault":"\#(fault)"}"#
        #expect(RawHTTP.status(server.base, "POST /platform/wechatpay/_bill_fault HTTP/1.1", body: body) == 204)
    }

    static func fetch(_ client: ControlClient, _ date: String) throws -> BillReport {
        try client.send(ControlRequest(.billsFetch, args: ["date": date])).decode(BillReport.self)
    }

    /// The days before today in the merchant's zone, oldest first.
    static func days(_ count: Int) -> [String] {
        var section = BillsSection()
        section.catchUpDays = count
        return BillSchedule(config: section).window(Date())
    }

    static let billKeys: Set<String> = [
        "lingering-credit-pay/t-1/wechat-payscore/platform-bill",
        "lingering-credit-pay/store:s-1/wechat-payscore/platform-bill",
        "lingering-credit-pay/merchant:1900000001/wechat-payscore/platform-bill",
    ]

    @Test(
        "bills by hand: a bad hash is refused, a malformed row reported, CRLF read, each bill downloaded once",
        .timeLimit(.minutes(3))
    )
    func billsByHand() throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(dir)
        // The daily run looks at yesterday only, which is missing: the days read here are the operator's.
        Self.fault(server, Self.days(1)[0], "missing")
        let config = try Self.config(
            dir,
            bills: "{time: \"00:00\", catch_up_days: 1, retry_interval: 1h, late_after: 10d}"
        )
        var daemon = try Self.start(dir, config: config, 0)
        let client = ControlClient(path: dir.file("control.sock"))
        #expect(eventually(timeout: 20, interval: 0.2) { (try? client.send(ControlRequest(.status)).ok) == true })
        let days = Self.days(3)
        let (older, day) = (days[0], days[1])

        Self.fault(server, day, "bad-hash")
        let refused = try Self.fetch(client, day)
        #expect(refused.outcome == .failed && refused.error?.contains("SHA1") == true, "\(refused)")
        #expect(Self.firing(client, source: "platform-bill").isEmpty)

        Self.fault(server, day, "malformed")
        let read = try Self.fetch(client, day)
        #expect(read.outcome == .read, "\(read)")
        #expect(read.malformedRows == 1 && read.problems.first?.line == 3, "\(read.problems)")
        #expect(read.findingCount == 3 && Set(read.findings.map(\.scope)) == [.terminal, .store, .merchant])
        #expect(Self.firing(client, source: "platform-bill") == Self.billKeys)
        let alert = Self.alerts(client).first { $0.key == "lingering-credit-pay/t-1/wechat-payscore/platform-bill" }
        #expect(alert?.evidence?["ORDER_NUMBERS"] == "t-1-ps-\(day)" && alert?.evidence?["BILL_DATE"] == day)

        Self.fault(server, older, "crlf")
        let crlf = try Self.fetch(client, older)
        #expect(crlf.outcome == .read && crlf.malformedRows == 0 && crlf.findingCount == 3, "\(crlf)")

        // Read once, even across a restart: the second asks cost no download.
        let downloads = try Self.stats(server).bill_downloads
        #expect(downloads == 3)
        #expect(try Self.fetch(client, day).outcome == .alreadyRead)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        daemon = try Self.start(dir, config: config, 1)
        #expect(eventually(timeout: 20, interval: 0.2) { (try? client.send(ControlRequest(.status)).ok) == true })
        #expect(try Self.fetch(client, day).outcome == .alreadyRead)
        #expect(try Self.stats(server).bill_downloads == downloads)
        #expect(Self.firing(client, source: "platform-bill") == Self.billKeys)
        #expect(daemon.log.contains("read the trade bill of") == false, "the restart read nothing again")
        let first = try String(contentsOfFile: dir.file("daemon-0.log"), encoding: .utf8)
        #expect(first.contains("read the trade bill of \(day): ") && first.contains("malformed rows skipped (line 3"))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
    }

    @Test("a missing bill is retried, warned about once late, and read when it comes", .timeLimit(.minutes(3)))
    func missingBill() throws {
        let dir = try TestDirectory()
        let server = try Self.simulator(dir)
        let yesterday = Self.days(1)[0]
        Self.fault(server, yesterday, "missing")
        let config = try Self.config(
            dir,
            bills: "{time: \"00:00\", catch_up_days: 1, retry_interval: 1s, late_after: 1s}"
        )
        let daemon = try Self.start(dir, config: config, 0)
        let client = ControlClient(path: dir.file("control.sock"))
        let missing = "trade-bill-missing/merchant:1900000001/wechat-payscore"
        let warned = eventually(timeout: 40, interval: 0.5) {
            Self.alerts(client).contains { $0.key == missing && $0.state == "firing" }
        }
        #expect(warned, "\(String(daemon.log.suffix(2000)))")
        #expect(
            eventually(timeout: 20, interval: 0.5) { ((try? Self.stats(server).bill_queries) ?? 0) >= 2 },
            "retried"
        )
        #expect(try Self.stats(server).bill_downloads == 0)
        Self.fault(server, yesterday, "none")
        let read = eventually(timeout: 40, interval: 0.5) {
            Self.firing(client, source: "platform-bill") == Self.billKeys
                && Self.alerts(client).contains { $0.key == missing && $0.state == "resolved" }
        }
        #expect(read, "\(Self.alerts(client).map { "\($0.key) \($0.state)" })")
        #expect(try Self.stats(server).bill_downloads == 1)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
    }

    @Test(
        "callbacks: an open fires, a duplicate is a no-op, forged, stale and probes are refused, a close resolves",
        .timeLimit(.minutes(3))
    )
    func callbacks() throws {
        let dir = try TestDirectory()
        let port = try Self.freePort()
        let url = "http://127.0.0.1:\(port)\(Self.callbackPath)"
        let server = try Self.simulator(dir, callbacks: url)
        let config = try Self.config(
            dir,
            bills: "{enabled: false}",
            callbacks: "callbacks: {listen: \"127.0.0.1:\(port)\"}"
        )
        let daemon = try Self.start(dir, config: config, 0)
        let client = ControlClient(path: dir.file("control.sock"))
        #expect(eventually(timeout: 20, interval: 0.2) { (try? client.send(ControlRequest(.status)).ok) == true })
        let csv = try String(contentsOfFile: dir.file("keys/authorizations.csv"), encoding: .utf8)
        let parsed = try AuthorizationCSV.parse(csv)
        let body = String(
            decoding: try ControlCoding.encoder.encode(
                AuthorizationImportRequest(rows: parsed.rows, errors: [], skipBad: false)
            ),
            as: UTF8.self
        )
        #expect(try client.send(ControlRequest(.authorizationsImport, body: body)).ok)

        let known = "oUpF8uMuAJO_M2pxb1Q9zNjW0000001"
        func send(_ kind: String, _ openid: String = "oUpF8uMuAJO_M2pxb1Q9zNjWnew0001") throws -> String {
            let before = try Self.stats(server).callbacks.count
            let request = #"{"kind":"\#(kind)","openid":"\#(openid)"}"#
            #expect(RawHTTP.status(server.base, "POST /platform/wechatpay/_callback HTTP/1.1", body: request) == 202)
            var answer = ""
            _ = eventually(timeout: 15, interval: 0.1) {
                let all = (try? Self.stats(server).callbacks) ?? []
                guard all.count > before else { return false }
                answer = all[before]
                return true
            }
            return answer
        }
        let store = "lingering-credit-pay/store:s-1/wechat-payscore/platform-callback"
        let merchant = "lingering-credit-pay/merchant:1900000001/wechat-payscore/platform-callback"
        #expect(try send("open", known) == "open 204")
        #expect(Self.firing(client, source: "platform-callback") == [store])
        #expect(try send("duplicate") == "duplicate 204")
        for kind in ["forged", "stale", "probe"] { #expect(try send(kind) == "\(kind) 401") }
        #expect(Self.firing(client, source: "platform-callback") == [store])
        #expect(try send("open") == "open 204")
        #expect(Self.firing(client, source: "platform-callback") == [store, merchant])
        let evidence = Self.alerts(client).first { $0.key == store }?.evidence
        #expect(
            evidence?["PLATFORM_COUNT"] == "1" && evidence?["ORDER_NUMBERS"] == known,
            "\(String(describing: evidence))"
        )

        // A slow client holds its connection; an oversized body is refused; a valid close still goes through.
        let slow = try Self.slowClient(port: port)
        defer { close(slow) }
        let huge = String(repeating: "x", count: 70_000)
        let oversized = RawHTTP.status("http://127.0.0.1:\(port)", "POST \(Self.callbackPath) HTTP/1.1", body: huge)
        #expect(oversized == nil || oversized == 413, "\(String(describing: oversized))")
        #expect(try send("close", known) == "close 204")
        #expect(Self.firing(client, source: "platform-callback") == [merchant])
        #expect(Self.alerts(client).first { $0.key == store }?.state == "resolved")
        // The slow client is answered (503) or cut at the request deadline, not held open.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 512)
        let got = read(slow, &buffer, buffer.count)
        #expect(got == 0 || String(decoding: buffer.prefix(max(0, got)), as: UTF8.self).contains(" 503 "), "\(got)")

        let polls = { () -> Int in
            (try? client.send(ControlRequest(.status)).decode(StatusView.self))?.pollsLaunched ?? 0
        }
        let before = polls()
        #expect(eventually(timeout: 10, interval: 0.2) { polls() > before + 4 }, "polling goes on")
        #expect(daemon.log.contains("refused a WeChat Pay callback (401)"))
        // Counted by the listener: three handled, one delivered again, and every refusal (forged, stale, probe,
        // oversized, slow).
        let counts = try client.send(ControlRequest(.status)).decode(StatusView.self).callbacks
        #expect(counts?.accepted == 3 && counts?.duplicates == 1, "\(String(describing: counts))")
        #expect((counts?.refused ?? 0) >= 4, "\(String(describing: counts))")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 30) == 0)
        #expect(server.stop() == 0)
    }

    static let callbackPath = "/v1/callbacks/wechatpay"

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else { throw HarnessError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A connection that sends half a request and then nothing.
    static func slowClient(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("cannot connect to the callback listener") }
        let partial = Array("POST \(callbackPath) HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{".utf8)
        _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return fd
    }
}
