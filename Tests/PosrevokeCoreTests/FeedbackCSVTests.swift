import Foundation
import PosrevokeCore
import Testing

@Suite("Survey CSV import")
struct FeedbackCSVTests {
    let categories = FeedbackSection().categories

    func parse(_ text: String, _ mapping: FeedbackCSV.Mapping = .init()) throws -> FeedbackCSV.Parsed {
        try FeedbackCSV.parse(
            Data(text.utf8),
            mapping: mapping,
            timeZone: TimeZone(identifier: "Asia/Shanghai")!,
            categories: categories
        )
    }

    @Test("a good export: quoted commas and line breaks, CRLF, a BOM, Chinese text kept as given")
    func goodFile() throws {
        let text =
            "\u{FEFF}Time,Store,Terminal,Rating,Category,Comment,Source\r\n"
            + "2026-11-20 14:30,s-1,,2,wants-credit-pay,\"想用支付分，为什么不行？\",customer\r\n"
            + "2026-11-21T09:00:00Z,,t-7,5,,\"line one\nline \"\"two\"\"\",cashier\r\n"
            + "2026-11-22,s-2,,4,Slow-Checkout,, \r\n"
        let parsed = try parse(text)
        #expect(parsed.errors.isEmpty)
        #expect(parsed.rows.count == 3)
        let first = parsed.rows[0]
        #expect(first.comment == "想用支付分，为什么不行？")
        #expect(first.store == "s-1" && first.terminal == nil && first.rating == 2)
        // Local times are read in the given zone: 14:30 in Shanghai is 06:30 UTC.
        #expect(first.time == Date(timeIntervalSince1970: 1_795_156_200))
        #expect(parsed.rows[1].comment == "line one\nline \"two\"")
        #expect(parsed.rows[1].category == "other" && parsed.rows[1].source == .cashier)
        #expect(parsed.rows[2].line == 5, "the quoted line break moves the next row down a line")
        #expect(parsed.rows[2].category == "slow-checkout" && parsed.rows[2].source == .customer)
    }

    @Test("line numbers stay right in files with CR-only line ends and quoted line breaks")
    func classicMacLineEnds() throws {
        let parsed = try parse("time,store,rating,comment\r2026-11-20,s-1,3,\"a\rb\"\r2026-11-20,s-1,9,x\r")
        #expect(parsed.rows.first?.comment == "a\rb")
        #expect(parsed.errors.map(\.line) == [4])
    }

    @Test("every bad row is reported with its own line and reason; good rows survive")
    func badRows() throws {
        let text = """
            time,store,rating,category,comment
            2026-11-20,s-1,3,other,fine
            yesterday,s-1,3,other,x
            2026-11-20,s-1,9,other,x
            2026-11-20,s-1,4,angry,x
            2026-11-20,,4,other,x
            2026-11-20,s-1,4
            2026-11-20,s-1,"4"x,other,x
            2026-11-20,s-1,1,payment-failed,ok

            """
        let parsed = try parse(text)
        #expect(parsed.rows.map(\.line) == [2, 9])
        #expect(parsed.errors.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(parsed.errors[0].reason.contains("time 'yesterday'"))
        #expect(parsed.errors[1].reason.contains("rating '9'"))
        #expect(parsed.errors[2].reason.contains("unknown category 'angry'"))
        #expect(parsed.errors[3].reason.contains("neither a terminal nor a store"))
        #expect(parsed.errors[4].reason.contains("has 3 fields, the header has 5"))
        #expect(parsed.errors[5].reason.contains("closing quote"))
    }

    @Test("bytes that are not UTF-8 refuse the file, naming the line")
    func encoding() {
        var data = Data("time,store,rating\n2026-11-20,s-1,3\n2026-11-20,".utf8)
        data.append(contentsOf: [0xC4, 0xE3, 0xBA, 0xC3])  // "你好" in GBK
        data.append(contentsOf: Array(",3\n".utf8))
        #expect {
            try FeedbackCSV.parse(data, timeZone: .gmt)
        } throws: { error in
            "\(error)".contains("line 3: not valid UTF-8") && "\(error)".contains("iconv")
        }
    }

    @Test("an empty file is refused; a header alone imports nothing")
    func empty() throws {
        #expect(throws: FeedbackCSV.FileError.self) { try FeedbackCSV.parse(Data(), timeZone: .gmt) }
        #expect(throws: FeedbackCSV.FileError.self) { try FeedbackCSV.parse(Data(" \n\r\n".utf8), timeZone: .gmt) }
        let parsed = try parse("time,store,rating\n")
        #expect(parsed.rows.isEmpty && parsed.errors.isEmpty)
    }

    @Test("missing columns and a quote never closed refuse the file")
    func fatal() {
        #expect {
            try parse("when,store,rating\n2026-11-20,s-1,3\n")
        } throws: { "\($0)".contains("missing column time") }
        #expect {
            try parse("time,store,rating,comment\n2026-11-20,s-1,3,\"open\n")
        } throws: { "\($0)".contains("line 2: a quoted field is never closed") }
        #expect {
            try parse("time,\"store\"x,rating\n2026-11-20,s-1,3\n")
        } throws: { "\($0)".contains("line 1: the header row is unreadable") }
        #expect {
            try parse("time,store,rating\n", .init(["rating": "评分"]))
        } throws: { "\($0)".contains("no column '评分' for rating") }
    }

    @Test("columns can be renamed for exports with their own headers")
    func mapping() throws {
        let parsed = try parse(
            "日期,门店,评分,意见\n2026-11-20 10:00,s-3,1,不能用支付分了\n",
            .init(["time": "日期", "store": "门店", "rating": "评分", "comment": "意见"])
        )
        #expect(parsed.rows.first?.store == "s-3" && parsed.rows.first?.comment == "不能用支付分了")
    }

    @Test("the same row always gets the same key, so a re-import adds nothing; repeats inside a file count once")
    func identity() throws {
        let text = "time,store,rating,comment\n2026-11-20,s-1,3,a\n2026-11-20,s-1,3,a\n2026-11-20,s-1,3,b\n"
        let first = try parse(text)
        let second = try parse(text)
        #expect(first.rows.map(\.uid) == second.rows.map(\.uid))
        #expect(first.rows.count == 2 && first.duplicates == 1)
        let withID = try parse("id,time,store,rating\nR-1,2026-11-20,s-1,3\n")
        #expect(withID.rows.first?.uid == "survey:id:R-1")
    }
}
