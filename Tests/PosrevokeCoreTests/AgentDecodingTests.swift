import Foundation
import PosrevokeCore
import Testing

@Suite("Terminal-agent protocol v1 decoding")
struct AgentDecodingTests {
    func page(_ items: [(Int64, String)], nextAfter: Int64) -> Data {
        let transactions = items.map { seq, id in
            """
            {"seq": \(seq), "id": "\(id)", "time": "2026-11-20T06:30:00.250Z", "method": "credit-score-pay",
             "provider": "wechat-payscore", "amount_minor": 1200, "currency": "CNY", "outcome": "approved",
             "error_code": null}
            """
        }
        return Data(#"{"transactions": [\#(transactions.joined(separator: ","))], "next_after": \#(nextAfter)}"#.utf8)
    }

    func message(_ body: Data, after cursor: Int64 = 0) -> String? {
        do {
            _ = try AgentDecoding.transactions(body, after: cursor)
            return nil
        } catch {
            return error.description
        }
    }

    @Test(
        "an empty page read without a decoding pass says what the full decoder says",
        arguments: [
            "0", "7", "42", "9223372036854775807", "9223372036854775808", "007", "-1", "1e3", "4.0", "", "x",
            "99999999999999999999",
        ]
    )
    func emptyPageAgrees(number: String) {
        let spaced = Data(#"{"transactions": [], "next_after": \#(number)}"#.utf8)
        let short = ["0", "7", "42", "9223372036854775807"].contains(number)
        #expect(AgentDecoding.emptyPage(spaced) == nil)
        for compact in [
            Data(#"{"transactions":[],"next_after":\#(number)}"#.utf8),
            Data(#"{"next_after":\#(number),"transactions":[]}"#.utf8),
        ] {
            #expect(
                (AgentDecoding.emptyPage(compact) != nil) == short,
                "only plain in-range integers take the short way"
            )
            #expect(AgentDecoding.emptyPage(compact) == (short ? Int64(number) : nil))
            for cursor: Int64 in [0, 7, 50] {
                let quick = try? AgentDecoding.transactions(compact, after: cursor)
                let full = try? AgentDecoding.transactions(spaced, after: cursor)
                #expect(
                    quick?.nextAfter == full?.nextAfter && quick?.transactions.isEmpty == full?.transactions.isEmpty
                )
                #expect(message(compact, after: cursor) == message(spaced, after: cursor))
            }
        }
    }

    @Test("a good page decodes, with fractional RFC 3339 times and null optionals")
    func good() throws {
        let decoded = try AgentDecoding.transactions(page([(5, "a"), (7, "b")], nextAfter: 7), after: 4)
        #expect(decoded.transactions.map(\.seq) == [5, 7] && decoded.nextAfter == 7)
        #expect(decoded.transactions[0].creditProvider == .wechatPayscore && decoded.transactions[0].errorCode == nil)
        #expect(decoded.transactions[0].time == Date(timeIntervalSince1970: 1_795_156_200.25))
        let empty = try AgentDecoding.transactions(page([], nextAfter: 9), after: 9)
        #expect(empty.transactions.isEmpty && empty.nextAfter == 9)
    }

    @Test(
        "times with and without fractions, in UTC or with an offset, all decode; other text is refused",
        arguments: [
            ("2026-11-20T06:30:00Z", 1_795_156_200.0), ("2026-11-20T14:30:00+08:00", 1_795_156_200.0),
            ("2026-11-20T06:30:00.5Z", 1_795_156_200.5), ("2026-11-20T14:30:00.125+08:00", 1_795_156_200.125),
        ]
    )
    func times(text: String, epoch: Double) throws {
        let body = Data(#"{"id": "n", "text": "t", "from": "\#(text)", "until": "\#(text)"}"#.utf8)
        let notice = try AgentWire.decoder.decode(AgentWire.Notice.self, from: body)
        #expect(notice.from == Date(timeIntervalSince1970: epoch))
        let bad = Data(#"{"id": "n", "text": "t", "from": "20.11.2026 06:30", "until": "\#(text)"}"#.utf8)
        #expect(throws: DecodingError.self) { try AgentWire.decoder.decode(AgentWire.Notice.self, from: bad) }
    }

    @Test(
        "every broken answer is a clear error, never a crash or a cursor that stalls",
        arguments: [
            (#"{"transactions": [ {"seq": 1, "id": "#, "malformed JSON"),
            (#"{"next_after": 3}"#, "missing field 'transactions'"),
            (#"{"transactions": [{"seq": "one"}], "next_after": 1}"#, "transactions[0].seq: expected"),
            (#"{"transactions": [], "next_after": null}"#, "next_after: expected"),
            ("[]", "expected"),
        ]
    )
    func shapes(body: String, expected: String) {
        let text = message(Data(body.utf8))
        #expect(text?.contains(expected) == true, "\(text ?? "no error")")
    }

    @Test("sequence rules: forward only, unique ids, next_after at the last seq and never backwards")
    func sequence() {
        #expect(message(page([(3, "a"), (2, "b")], nextAfter: 3))?.contains("seq went backwards: 2 after 3") == true)
        #expect(
            message(page([(4, "a")], nextAfter: 4), after: 4)?.contains("seq went backwards: 4 after cursor 4") == true
        )
        #expect(message(page([(5, "a"), (6, "a")], nextAfter: 6))?.contains("duplicate id 'a'") == true)
        #expect(message(page([(5, "a")], nextAfter: 9))?.contains("next_after 9 is not the last seq 5") == true)
        #expect(message(page([], nextAfter: 2), after: 5)?.contains("next_after 2 went backwards") == true)
    }

    @Test("unknown enum values and out-of-range ratings are refused by name")
    func values() {
        let badMethod = Data(
            #"{"transactions": [{"seq": 1, "id": "x", "time": "2026-11-20T06:30:00Z", "method": "barter", "provider": null, "amount_minor": 1, "currency": "CNY", "outcome": "approved", "error_code": null}], "next_after": 1}"#
                .utf8
        )
        #expect(message(badMethod)?.contains("unknown method 'barter'") == true)
        let badRating = Data(
            #"{"feedback": [{"seq": 1, "id": "f", "time": "2026-11-20T06:30:00Z", "source": "customer", "rating": 9, "category": "other", "comment": ""}], "next_after": 1}"#
                .utf8
        )
        #expect(throws: AgentProtocolError.self) { try AgentDecoding.feedback(badRating, after: 0) }
    }

    @Test("what the simulator writes, the driver reads back unchanged")
    func roundTrip() throws {
        let status = TerminalStatus(
            terminalID: "t-1",
            model: "A920",
            firmware: "3.2.0",
            time: Date(timeIntervalSince1970: 1_795_156_200.5),
            peripherals: ["scanner"],
            paymentMethods: [
                .init(method: .creditScorePay, provider: "wechat-payscore", enabled: false),
                .init(method: .cash, provider: nil, enabled: true),
            ]
        )
        let data = try AgentWire.encoder.encode(AgentWire.Status(status))
        #expect(String(decoding: data, as: UTF8.self).contains(#""provider":null"#))
        #expect(try AgentDecoding.status(data) == status)
    }
}

@Suite("Agent terminals in the config")
struct AgentConfigTests {
    @Test("driver: agent needs an http(s) url; url and token_file belong to agent terminals only")
    func keys() throws {
        let good = try ConfigParser.parse(
            yaml: "terminals: [{id: t-1, store: s, driver: agent, url: 'https://gw:8443/t/t-1/', token_file: t1}]\n"
        )
        #expect(good.terminals.first?.url == "https://gw:8443/t/t-1" && good.terminals.first?.tokenFile == "t1")
        #expect {
            try ConfigParser.parse(
                yaml: """
                    terminals:
                      - {id: t-1, store: s, driver: agent}
                      - {id: t-2, store: s, driver: agent, url: "ftp://x/"}
                      - {id: t-3, store: s, url: "http://x/", token_file: t}
                    """
            )
        } throws: { error in
            let text = "\(error)"
            return text.contains("terminals[0].url: is required for driver: agent")
                && text.contains("terminals[1].url: must be an http:// or https:// URL")
                && text.contains("terminals[2].url: only applies to driver: agent")
                && text.contains("terminals[2].token_file: only applies to driver: agent")
        }
    }

    @Test("terminals_file appends a list read relative to the config, and its mistakes name the file")
    func terminalsFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agent-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "- {id: t-2, store: s, driver: agent, url: 'http://127.0.0.1:1/t/t-2'}\n".write(
            to: dir.appendingPathComponent("more.yaml"),
            atomically: true,
            encoding: .utf8
        )
        let config = dir.appendingPathComponent("posrevoke.yaml")
        try "terminals_file: more.yaml\nterminals: [{id: t-1, store: s}]\n".write(
            to: config,
            atomically: true,
            encoding: .utf8
        )
        #expect(try ConfigParser.load(path: config.path).terminals.map(\.id) == ["t-1", "t-2"])
        try "- {id: t-2, store: s, driver: agent}\n".write(
            to: dir.appendingPathComponent("more.yaml"),
            atomically: true,
            encoding: .utf8
        )
        #expect {
            try ConfigParser.load(path: config.path)
        } throws: { "\($0)".contains("is required for driver: agent (in \(dir.path)/more.yaml)") }
        try "terminals_file: missing.yaml\n".write(to: config, atomically: true, encoding: .utf8)
        #expect { try ConfigParser.load(path: config.path) } throws: { "\($0)".contains("cannot read") }
    }
}
