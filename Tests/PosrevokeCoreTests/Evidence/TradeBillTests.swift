import Foundation
import PosrevokeCore
import PosrevokeSimulation
import Testing

/// The trade bill as WeChat Pay writes it: backticks, a summary, `\n` or `\r\n`, and rows that may be damaged.
@Suite struct TradeBillTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    static func row(
        _ time: String,
        sub: String = "",
        device: String = "",
        type: String = "AUTH",
        state: String = "SUCCESS",
        order: String,
        attach: String = "",
        product: String = "demo"
    ) -> String {
        [
            time, "wx8888888888888888", "1900000001", sub, device, "4200000001", order, "oUpF8uMu", type, state,
            "OTHERS", "CNY", "35.00", "0.00", "0", "0", "0.00", "0.00", "", "", product, attach, "0.00", "0.60%",
            "35.00", "0.00", "",
        ].map { "`" + $0 }.joined(separator: ",")
    }

    static func bill(_ rows: [String], lineEnd: String = "\n", declared: Int? = nil) -> Data {
        let summary = ["\(declared ?? rows.count)", "70.00", "0.00", "0.00", "0.00", "70.00", "0.00"].map { "`" + $0 }
        let lines =
            [SimulatedTradeBill.header] + rows + [SimulatedTradeBill.summaryHeader, summary.joined(separator: ",")]
        return Data((lines.joined(separator: lineEnd) + lineEnd).utf8)
    }

    @Test("rows are read by header name, backticks stripped, times in the merchant's zone, the summary counted")
    func readsRows() throws {
        let data = Self.bill([
            Self.row("2026-12-04 14:00:00", device: "POS-1", order: "t-1-ps", attach: "wxzff|100|t-1-ps"),
            Self.row("2026-12-04 15:30:05", sub: "1900000101", type: "JSAPI", order: "o-2", product: "tea, green"),
        ])
        let bill = try TradeBill.parse(data, timeZone: Self.shanghai)
        #expect(bill.rows.count == 2 && bill.malformedRows == 0 && bill.declaredRows == 2)
        let first = try #require(bill.rows.first)
        #expect(first.deviceInfo == "POS-1" && first.tradeType == "AUTH" && first.attach == "wxzff|100|t-1-ps")
        #expect(first.time == Date(timeIntervalSince1970: 1_796_364_000))  // 2026-12-04 06:00:00 UTC
        #expect(first.line == 2)
        // A comma inside a value does not split it: values are separated by ",`".
        #expect(bill.rows.last?.subMerchantID == "1900000101" && bill.rows.last?.outTradeNo == "o-2")
    }

    @Test("CRLF line ends and a byte-order mark read the same as LF")
    func crlf() throws {
        let rows = [Self.row("2026-12-04 14:00:00", order: "a", attach: "wxzff|1|a")]
        let lf = try TradeBill.parse(Self.bill(rows), timeZone: Self.shanghai)
        var bom = Data([0xEF, 0xBB, 0xBF])
        bom.append(Self.bill(rows, lineEnd: "\r\n"))
        let crlf = try TradeBill.parse(bom, timeZone: Self.shanghai)
        #expect(crlf == lf)
        #expect(crlf.rows.first?.attach == "wxzff|1|a")
    }

    @Test("a malformed row is reported by its line and skipped; the rest is read")
    func malformedRow() throws {
        let data = Self.bill([
            Self.row("2026-12-04 14:00:00", order: "a"),
            "`2026-12-04 14:01:00,`too few",
            Self.row("2026-13-45 99:99:99", order: "b"),
            Self.row("2026-12-04 14:02:00", order: "c"),
        ])
        let bill = try TradeBill.parse(data, timeZone: Self.shanghai)
        #expect(bill.rows.map(\.outTradeNo) == ["a", "c"])
        #expect(bill.malformedRows == 2)
        #expect(bill.problems.map(\.line) == [3, 4])
        #expect(bill.problems.first?.reason.contains("values") == true)
        #expect(bill.declaredRows == 4)
    }

    @Test("a bill that is not one is refused with the reason")
    func refusals() {
        #expect(throws: TradeBill.Failure.noHeader) { try TradeBill.parse(Data(), timeZone: Self.shanghai) }
        #expect(throws: TradeBill.Failure.notText) {
            try TradeBill.parse(Data([0xFF, 0xFE, 0x00]), timeZone: Self.shanghai)
        }
        #expect(throws: TradeBill.Failure.missingColumns(TradeBill.requiredColumns)) {
            try TradeBill.parse(Data("a,b,c\n`1,`2,`3\n".utf8), timeZone: Self.shanghai)
        }
    }

    @Test("the location answer's hash and host are checked")
    func locationAnswer() throws {
        let bill = Self.bill([Self.row("2026-12-04 14:00:00", order: "a")])
        var answer = WeChatPayBillAnswer(
            hash_type: "SHA1",
            hash_value: WeChatPayBillAnswer.sha1(bill).uppercased(),
            download_url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=abc"
        )
        try answer.check(bill)
        #expect(throws: WeChatPayBillAnswer.Refusal.hashMismatch) { try answer.check(bill + Data("x".utf8)) }
        #expect(
            try answer.downloadTarget(baseURL: "https://api.mch.weixin.qq.com") == "/v3/billdownload/file?token=abc"
        )
        answer.download_url = "https://evil.example/v3/billdownload/file?token=abc"
        #expect(throws: WeChatPayBillAnswer.Refusal.foreignURL) {
            try answer.downloadTarget(baseURL: "https://api.mch.weixin.qq.com")
        }
        answer.hash_type = "MD5"
        #expect(throws: WeChatPayBillAnswer.Refusal.unknownHash("MD5")) { try answer.check(bill) }
    }
}
