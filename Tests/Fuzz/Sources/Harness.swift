import Foundation
import PosrevokeControl
import PosrevokeCore

/// One harness per boundary where outside bytes enter posrevoke. Each runs the code the daemon (or posrevokectl)
/// runs on those bytes, not a copy of it; any error it throws is an answer, and only a trap is a finding.
enum Harness {
    static let targets = [
        "config", "agent", "control", "feedback-csv", "platform", "wechatpay", "alipay", "trade-bill", "callback",
        "paxstore",
    ]

    static func callback(_ name: String) -> (@convention(c) (UnsafePointer<UInt8>, Int) -> Int32)? {
        switch name {
        case "config": { Harness.run($0, $1, Harness.config) }
        case "agent": { Harness.run($0, $1, Harness.agent) }
        case "control": { Harness.run($0, $1, Harness.control) }
        case "feedback-csv": { Harness.run($0, $1, Harness.feedbackCSV) }
        case "platform": { Harness.run($0, $1, Harness.platform) }
        case "wechatpay": { Harness.run($0, $1, Harness.wechatPay) }
        case "alipay": { Harness.run($0, $1, Harness.alipay) }
        case "trade-bill": { Harness.run($0, $1, Harness.tradeBill) }
        case "callback": { Harness.run($0, $1, Harness.callback) }
        case "paxstore": { Harness.run($0, $1, Harness.paxstore) }
        default: nil
        }
    }

    private static func run(_ bytes: UnsafePointer<UInt8>, _ count: Int, _ harness: (Data) -> Void) -> Int32 {
        harness(Data(bytes: bytes, count: count))
        return 0
    }

    /// A relative `terminals_file:` is looked for here: an empty directory, so the harness reads no real file.
    static let configDirectory: String = {
        let path = NSTemporaryDirectory() + "posrevoke-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// The config file, as `ConfigParser.load` reads it at start and on every reload.
    static func config(_ data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return }
        _ = try? ConfigParser.parse(yaml: text, directory: configDirectory)
    }

    /// A cancelled terminal for the agent's answers to land on, as the engine feeds them to the rules.
    static let terminal = Terminal(
        id: "t-0001",
        store: "s-01",
        driver: "agent",
        pollInterval: .seconds(10),
        providers: [
            .wechatPayscore: ProviderCancellation(
                state: .cancelled,
                cutover: Date(timeIntervalSince1970: 1_790_000_000)
            ),
            .alipayCredit: ProviderCancellation(state: .active, cutover: nil),
        ]
    )

    /// Cursors the daemon may hold: from the start, mid-stream, and at the end of what an `Int64` holds.
    static let cursors: [Int64] = [0, 1, 41, 1_000_000, Int64.max - 1, Int64.max]

    /// One answer of a terminal agent. The first byte picks the endpoint (low 3 bits) and the cursor the daemon
    /// asked after (the rest); the remaining bytes are the body, as `AgentDriver` hands it to `AgentDecoding`.
    static func agent(_ data: Data) {
        guard let selector = data.first else { return }
        let body = Data(data.dropFirst())
        let cursor = cursors[Int(selector >> 3) % cursors.count]
        switch selector & 7 {
        case 0:
            _ = try? AgentDecoding.status(body)
        case 7:
            // A gateway's batch answer, for three terminals at different cursors.
            _ = try? AgentDecoding.gatewayTransactions(body, asked: ["t-1": cursor, "t-2": 0, "t-3": 5], limit: 500)
        case 1, 6:
            guard let page = try? AgentDecoding.transactions(body, after: cursor) else { return }
            // What the engine does with a page: the rules' memory and their conditions.
            let now = Date(timeIntervalSince1970: 1_790_003_600)
            let detection = DetectionSection()
            var detector = TerminalDetector()
            detector.ingest(page.transactions, terminal: terminal, observedAt: now)
            _ = Rules.evaluate(detector, terminal: terminal, config: detection, now: now)
            detector.prune(now: now, config: detection)
        case 2:
            _ = try? AgentDecoding.feedback(body, after: cursor)
        case 3:
            _ = try? AgentDecoding.decode(AgentWire.PaymentMethodEntry.self, from: body)
        case 4:
            _ = try? AgentDecoding.decode(AgentWire.Update.self, from: body)
        default:
            _ = try? AgentDecoding.decode(AgentWire.Selftest.self, from: body)
        }
    }

    /// One request on the control socket, decoded as `ControlServer` does, then every argument and body through the
    /// parser the daemon's handler gives it; the answer is encoded as the server sends it.
    static func control(_ data: Data) {
        let response: ControlResponse
        if let request = try? ControlCoding.decoder.decode(ControlRequest.self, from: data) {
            response = .failure(arguments(of: request))
        } else {
            response = .failure("malformed request: expected one line of JSON")
        }
        _ = try? ControlCoding.encoder.encode(response)
    }

    private static func arguments(of request: ControlRequest) -> String {
        let args = request.args
        let feedback = FeedbackSection()
        var parsed: [String] = [request.command]
        if let key = args["key"] { parsed.append(AlertKey(key)?.description ?? "-") }
        for name in ["for", "since"] {
            if let text = args[name] { parsed.append("\(DurationText.parse(text) as Any)") }
        }
        for name in ["time", "since"] {
            if let text = args[name] {
                parsed.append("\(FeedbackTime.parse(text, timeZone: feedback.digest.zone) as Any)")
            }
        }
        if let rating = args["rating"] { parsed.append("\(Int(rating) as Any)") }
        if let body = request.body {
            switch request.command {
            case "plans.create":
                do {
                    parsed.append("\(try ConfigParser.parsePlan(yaml: body, terminals: [terminal]).id)")
                } catch {
                    parsed.append("invalid plan:\n" + error.issues.map { "  \($0)" }.joined(separator: "\n"))
                }
            case "feedback.import":
                if let data = body.data(using: .utf8),
                    let batch = try? ControlCoding.decoder.decode(FeedbackImportRequest.self, from: data)
                {
                    parsed.append("\(batch.rows.count) rows")
                }
            default:
                break
            }
        }
        return parsed.joined(separator: " ")
    }

    /// A survey export as `posrevokectl feedback import` reads it (times without an offset in UTC), and the rows as
    /// they cross the socket to the daemon.
    static func feedbackCSV(_ data: Data) {
        guard let parsed = try? FeedbackCSV.parse(data, timeZone: .gmt) else { return }
        let request = FeedbackImportRequest(file: "fuzz.csv", rows: parsed.rows, errors: parsed.errors, skipBad: true)
        guard let body = try? ControlCoding.encoder.encode(request) else { return }
        _ = try? ControlCoding.decoder.decode(FeedbackImportRequest.self, from: body)
    }

    /// One answer of a payment platform, decoded as `HTTPPlatform` does; the first byte picks the call.
    static func platform(_ data: Data) {
        guard let selector = data.first else { return }
        let body = Data(data.dropFirst())
        let decoder = PlatformWire.decoder
        switch selector % 4 {
        case 0:
            let list = try? decoder.decode(PlatformWire.OrderList.self, from: body)
            _ = list?.data.filter { PlatformWire.cancellableStates.contains($0.state) }.map(\.out_order_no)
        case 1:
            _ = try? decoder.decode(PlatformWire.Deactivation.self, from: body)
        case 2:
            _ = try? decoder.decode(PlatformWire.Authorization.self, from: body)
        default:
            // An error answer, and the same bytes as its `Retry-After` header.
            _ = try? decoder.decode(PlatformWire.Failure.self, from: body)
            _ = RetryAfter.parse(String(decoding: body, as: UTF8.self), now: Date())
        }
    }

    /// One key pair for the platforms' harnesses, made once per run (never committed).
    static let platformKey: RSASigningKey? = try? RSASigningKey.generate()
    static let fuzzNow = Date(timeIntervalSince1970: 1_790_000_000)

    /// One WeChat Pay answer: the first four lines are the `Wechatpay-Timestamp`, `-Nonce`, `-Signature` and `-Serial`
    /// headers, the rest the body; the first byte also picks the status. Read as the client reads it, then its body
    /// decoded as every answer the client takes, and as a certificate list decrypted with a fixed APIv3 key.
    static func wechatPay(_ data: Data) {
        guard let selector = data.first, let key = platformKey else { return }
        let lines = data.dropFirst().split(separator: 0x0A, maxSplits: 4, omittingEmptySubsequences: false)
        let field = { (index: Int) in index < lines.count ? String(decoding: lines[index], as: UTF8.self) : "" }
        let headers = [
            "Wechatpay-Timestamp": field(0), "Wechatpay-Nonce": field(1), "Wechatpay-Signature": field(2),
            "Wechatpay-Serial": field(3), "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        ]
        let body = lines.count > 4 ? Data(lines[4]) : Data()
        let statuses = [200, 204, 400, 401, 403, 404, 429, 500]
        let verifier = WeChatPayVerifier(keys: [field(3): key.publicKey])
        let answer = WeChatPayAnswer.read(
            status: statuses[Int(selector) % statuses.count],
            header: { headers[$0] },
            body: body,
            verifier: verifier,
            now: fuzzNow
        )
        if case .failure(let failure) = answer { _ = failure.disposition(alreadyDone: ["ORDER_CANCELED"]) }
        let decoder = WeChatPayWire.decoder
        _ = try? decoder.decode(WeChatPayWire.Order.self, from: body)
        _ = try? decoder.decode(WeChatPayWire.Permission.self, from: body)
        if let list = try? decoder.decode(WeChatPayCertificateList.self, from: body) {
            _ = try? list.keys(apiV3Key: "0123456789abcdefghijklmnopqrstuv", now: fuzzNow)
        }
    }

    /// One Alipay gateway answer, split and verified over its raw response object as the client does.
    static func alipay(_ data: Data) {
        guard let selector = data.first, let key = platformKey else { return }
        let method = selector & 1 == 0 ? AlipayWire.unsign : AlipayWire.query
        let answer = AlipayAnswer.read(status: 200, body: Data(data.dropFirst()), method: method, key: key.publicKey)
        if case .failure(let failure) = answer { _ = (failure.isRetryable, failure.isSettings, failure.description) }
    }

    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let billAttribution: EvidenceAttribution = {
        let cancelled = [CreditProvider.wechatPayscore: ProviderCancellation(state: .cancelled, cutover: .distantPast)]
        var terminals = (1...3).map {
            Terminal(id: "t-\($0)", store: "s-\($0 % 2)", pollInterval: .seconds(10), providers: cancelled)
        }
        terminals[0].deviceInfo = "POS-1"
        return EvidenceAttribution(
            terminals: terminals,
            stores: [StoreConfig(id: "s-1", wechatpaySubMchID: "1900000101")],
            provider: .wechatPayscore,
            merchantID: "1900000001"
        )
    }()

    /// A decompressed trade bill, read as the daemon reads it and searched for Pay Score payments; also the
    /// location answer (hash and `download_url`) checked against it.
    static func tradeBill(_ data: Data) {
        if let bill = try? TradeBill.parse(data, timeZone: shanghai) {
            _ = TradeBillFindings.sightings(bill, attribution: billAttribution, payScoreOrders: ["order-1": "t-1"])
        }
        if let answer = try? WeChatPayWire.decoder.decode(WeChatPayBillAnswer.self, from: data) {
            _ = try? answer.downloadTarget(baseURL: "https://api.mch.weixin.qq.com")
            _ = try? answer.check(data)
        }
    }

    /// One PAXSTORE answer, read as each call reads it; its terminals written as an inventory; the bytes also as
    /// a `--stores` mapping file.
    static func paxstore(_ data: Data) {
        for status in [200, 400, 401, 429, 500] { _ = PaxstoreAnswer.classify(status: status, body: data) }
        if let task = try? PaxstoreWire.decoder.decode(
            PaxstoreWire.DataEnvelope<PaxstoreWire.TerminalApk>.self,
            from: data
        )
        .data {
            _ = PaxstorePushState(actionStatus: task.actionStatus, errorCode: task.errorCode)
        }
        _ = try? PaxstoreWire.decoder.decode(PaxstoreWire.DataEnvelope<PaxstoreWire.Network>.self, from: data)
        if let page = try? PaxstoreWire.decoder.decode(
            PaxstoreWire.PageEnvelope<PaxstoreWire.Terminal>.self,
            from: data
        ).pageInfo {
            let options = TMSInventory.Options(stores: nil, providers: [.wechatPayscore], pollIntervalSeconds: 60)
            if let text = try? TMSInventory.yaml(page.dataSet ?? [], options) {
                // What the import writes must read back.
                _ = try? ConfigParser.parse(
                    yaml: "terminals:\n" + text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                )
            }
        }
        if let text = String(data: data, encoding: .utf8) { _ = try? TMSInventory.storeMapping(yaml: text) }
    }

    static let apiV3Key = "0123456789abcdefghijklmnopqrstuv"

    /// One callback: the first byte picks how it arrives: as sent (headers on the first four lines, as the
    /// `wechatpay` target), signed with the right key so the envelope is read, or as a signed notification whose
    /// encrypted resource is the input, so the decrypted event is read.
    static func callback(_ data: Data) {
        guard let selector = data.first, let key = platformKey else { return }
        let rest = Data(data.dropFirst())
        let verifier = WeChatPayVerifier(keys: ["PUB_KEY_ID_FUZZ": key.publicKey])
        var headers: [String: String] = [:]
        var body = rest
        switch selector % 3 {
        case 0:
            let lines = rest.split(separator: 0x0A, maxSplits: 4, omittingEmptySubsequences: false)
            let field = { (index: Int) in index < lines.count ? String(decoding: lines[index], as: UTF8.self) : "" }
            headers = [
                "Wechatpay-Timestamp": field(0), "Wechatpay-Nonce": field(1), "Wechatpay-Signature": field(2),
                "Wechatpay-Serial": field(3),
            ]
            body = lines.count > 4 ? Data(lines[4]) : Data()
        default:
            if selector % 3 == 2 {
                let nonce = "000000000001"
                guard
                    let ciphertext = try? WeChatPayAEAD.seal(rest, nonce: nonce, associatedData: "", key: apiV3Key),
                    let envelope = try? WeChatPayWire.encoder.encode(
                        WeChatPayNotification(
                            id: "fuzz",
                            create_time: nil,
                            event_type: PayScoreCallbackReader.openEvent,
                            summary: nil,
                            resource: .init(
                                algorithm: "AEAD_AES_256_GCM",
                                ciphertext: ciphertext,
                                nonce: nonce,
                                associated_data: "",
                                original_type: nil
                            )
                        )
                    )
                else { return }
                body = envelope
            }
            let timestamp = String(Int64(fuzzNow.timeIntervalSince1970))
            let message = WeChatPayVerifier.message(timestamp: timestamp, nonce: "N", body: body)
            guard let signature = try? key.signature(for: message).base64EncodedString() else { return }
            headers = [
                "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": "N", "Wechatpay-Signature": signature,
                "Wechatpay-Serial": "PUB_KEY_ID_FUZZ",
            ]
        }
        let outcome = PayScoreCallbackReader.read(
            header: { headers[$0] },
            body: body,
            verifier: verifier,
            apiV3Key: apiV3Key,
            now: fuzzNow
        )
        if case .service(_, _, let payload) = outcome { _ = PayScoreCallbackReader.time(payload.openorclose_time) }
    }
}
