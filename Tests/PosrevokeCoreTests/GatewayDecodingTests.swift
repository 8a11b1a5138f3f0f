import Foundation
import PosrevokeCore
import Testing

/// The gateway batch answer: every terminal's page is held to the checks its own answer would meet, and a gateway
/// that confuses its terminals is trusted for none of them.
@Suite("Gateway batch decoding")
struct GatewayDecodingTests {
    static func item(_ seq: Int64, _ id: String) -> String {
        """
        {"seq": \(seq), "id": "\(id)", "time": "2026-11-20T06:30:00.250Z", "method": "credit-score-pay",
         "provider": "wechat-payscore", "amount_minor": 1200, "currency": "CNY", "outcome": "approved",
         "error_code": null}
        """
    }

    static func answer(_ entries: [String]) -> Data {
        Data(#"{"terminals": [\#(entries.joined(separator: ","))]}"#.utf8)
    }

    static func page(_ terminal: String, _ items: [(Int64, String)], nextAfter: Int64) -> String {
        #"{"terminal_id": "\#(terminal)", "transactions": [\#(items.map { item($0.0, $0.1) }.joined(separator: ","))], "next_after": \#(nextAfter)}"#
    }

    @Test("each terminal gets its page, the gateway's refusal, or a protocol error of its own")
    func outcomes() throws {
        let data = Self.answer([
            Self.page("a", [(5, "a-5"), (6, "a-6")], nextAfter: 6),
            Self.page("b", [], nextAfter: 3),
            #"{"terminal_id": "c", "error": {"error": "unreachable", "message": "till offline"}}"#,
            Self.page("d", [(2, "d-2")], nextAfter: 2),
            #"{"terminal_id": "e", "next_after": 4}"#,
        ])
        let asked: [String: Int64] = ["a": 4, "b": 3, "c": 0, "d": 2, "e": 4, "f": 0]
        let outcomes = try AgentDecoding.gatewayTransactions(data, asked: asked, limit: 10)
        #expect(outcomes.count == 6)
        guard case .page(let a)? = outcomes["a"] else {
            Issue.record("a: \(String(describing: outcomes["a"]))")
            return
        }
        #expect(a.transactions.map(\.id) == ["a-5", "a-6"])
        #expect(a.nextAfter == 6)
        #expect(outcomes["b"] == .page(TransactionPage(transactions: [], nextAfter: 3)))
        #expect(outcomes["c"] == .refused(code: "unreachable", message: "till offline"))
        #expect(outcomes["d"] == .invalid(AgentProtocolError("seq went backwards: 2 after cursor 2")))
        #expect(outcomes["e"] == .invalid(AgentProtocolError("needs either transactions and next_after, or error")))
        #expect(outcomes["f"] == .invalid(AgentProtocolError("the gateway's answer left this terminal out")))
    }

    @Test("a terminal's page in a batch reads exactly as the terminal's own answer")
    func agreesWithSinglePage() throws {
        let items: [(Int64, String)] = [(8, "x-8"), (9, "x-9"), (12, "x-12")]
        let single = try AgentDecoding.transactions(
            Data(
                #"{"transactions": [\#(items.map { Self.item($0.0, $0.1) }.joined(separator: ","))], "next_after": 12}"#
                    .utf8
            ),
            after: 7,
            limit: 3
        )
        let batch = try AgentDecoding.gatewayTransactions(
            Self.answer([Self.page("x", items, nextAfter: 12)]),
            asked: ["x": 7],
            limit: 3
        )
        #expect(batch["x"] == .page(single))
        let short = try AgentDecoding.gatewayTransactions(
            Self.answer([Self.page("x", items, nextAfter: 12)]),
            asked: ["x": 7],
            limit: 2
        )
        #expect(
            short["x"] == .invalid(AgentProtocolError("page of 3 transactions is longer than the limit 2 asked for"))
        )
    }

    @Test(
        "an answer that confuses terminals, or is not a batch answer, is refused whole",
        arguments: [
            (
                answer([page("a", [], nextAfter: 0), page("a", [], nextAfter: 0)]),
                "terminals[1]: terminal 'a' answered twice"
            ),
            (
                answer([page("a", [], nextAfter: 0), page("z", [], nextAfter: 0)]),
                "terminals[1]: a terminal that was not asked for"
            ),
            (Data(#"{"transactions": [], "next_after": 0}"#.utf8), "missing field 'terminals'"),
            (Data("not json".utf8), "malformed JSON"),
        ]
    )
    func refusedWhole(data: Data, message: String) {
        #expect(throws: AgentProtocolError(message)) {
            try AgentDecoding.gatewayTransactions(data, asked: ["a": 0, "b": 0], limit: 10)
        }
    }

    @Test("a refusal's code and message are bounded")
    func boundedRefusal() throws {
        let long = String(repeating: "x", count: AgentDecoding.maxGatewayMessage + 1)
        let data = Self.answer([#"{"terminal_id": "a", "error": {"error": "down", "message": "\#(long)"}}"#])
        let outcomes = try AgentDecoding.gatewayTransactions(data, asked: ["a": 0], limit: 10)
        guard case .invalid? = outcomes["a"] else {
            Issue.record("a long message was taken: \(String(describing: outcomes["a"]))")
            return
        }
    }
}
