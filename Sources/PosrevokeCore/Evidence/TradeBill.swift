public import Foundation

/// A WeChat Pay trade bill (`bill_type=ALL`), decompressed: a header, one row per trade, a summary header and one
/// summary line. Every value starts with a backtick (an empty one is a bare backtick); lines end in `\n` or `\r\n`.
///
/// The parser reads what the platform sent and trusts none of it: sizes and counts are bounded, a row with the
/// wrong number of values is reported by its line and skipped, and the rest is read.
public struct TradeBill: Sendable, Equatable {
    public var rows: [TradeBillRow]
    /// Rows that could not be read, by line number (1-based), at most `maxProblems` of them.
    public var problems: [TradeBillProblem]
    /// How many rows could not be read, also beyond `maxProblems`.
    public var malformedRows: Int
    /// `总交易单数` from the summary line, when there is one.
    public var declaredRows: Int?

    public init(rows: [TradeBillRow], problems: [TradeBillProblem], malformedRows: Int, declaredRows: Int?) {
        self.rows = rows
        self.problems = problems
        self.malformedRows = malformedRows
        self.declaredRows = declaredRows
    }

    public static let maxBytes = 256 << 20
    public static let maxLineBytes = 16 << 10
    public static let maxProblems = 100

    /// The columns a bill must have; the rest are read by name when present.
    public static let requiredColumns = ["交易时间", "商户号", "设备号", "商户订单号", "交易类型", "交易状态", "商户数据包"]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooLarge(Int)
        case notText
        case noHeader
        case missingColumns([String])

        public var description: String {
            switch self {
            case .tooLarge(let bytes): "the bill is \(bytes) bytes, more than the \(TradeBill.maxBytes) taken"
            case .notText: "the bill is not UTF-8 text"
            case .noHeader: "the bill has no header line"
            case .missingColumns(let names): "the bill's header lacks \(names.joined(separator: ", "))"
            }
        }
    }

    /// Reads a decompressed bill. `timeZone` is the merchant's: the bill's times carry none.
    public static func parse(_ data: Data, timeZone: TimeZone) throws(Failure) -> TradeBill {
        guard data.count <= maxBytes else { throw .tooLarge(data.count) }
        guard var text = String(validating: data, as: UTF8.self) else { throw .notText }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // "\r\n" is one Character in Swift: both line ends are separators.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.makeIterator()
        var lineNumber = 1
        guard let headerLine = lines.next(), !headerLine.isEmpty else { throw .noHeader }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let missing = requiredColumns.filter { !header.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(missing) }
        let columns = Columns(header)
        var bill = TradeBill(rows: [], problems: [], malformedRows: 0, declaredRows: nil)
        let times = TradeBillTime(timeZone: timeZone)
        while let line = lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            if line.hasPrefix("总交易单数") {
                if let summary = lines.next() {
                    bill.declaredRows = values(summary).first.flatMap { Int($0) }
                }
                break
            }
            guard line.utf8.count <= maxLineBytes else {
                bill.report(line: lineNumber, "the line is longer than \(maxLineBytes) bytes")
                continue
            }
            let fields = values(line)
            guard line.first == "`", fields.count == header.count else {
                bill.report(line: lineNumber, "has \(fields.count) values where the header names \(header.count)")
                continue
            }
            guard let time = times.parse(fields[columns.time]) else {
                bill.report(line: lineNumber, "交易时间 is not yyyy-MM-dd HH:mm:ss")
                continue
            }
            bill.rows.append(
                TradeBillRow(
                    line: lineNumber,
                    time: time,
                    merchantID: fields[columns.merchant],
                    subMerchantID: columns.subMerchant.map { fields[$0] } ?? "",
                    deviceInfo: fields[columns.device],
                    transactionID: columns.transaction.map { fields[$0] } ?? "",
                    outTradeNo: fields[columns.outTradeNo],
                    tradeType: fields[columns.tradeType],
                    tradeState: fields[columns.tradeState],
                    amount: columns.amount.map { fields[$0] } ?? "",
                    attach: fields[columns.attach]
                )
            )
        }
        return bill
    }

    /// A line's values without their leading backticks. Values are split at ",`", so a comma inside one (a product
    /// name) does not split it.
    static func values(_ line: Substring) -> [String] {
        guard line.first == "`" else {
            return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        return line.dropFirst().split(separator: ",`", omittingEmptySubsequences: false).map { String($0) }
    }

    private mutating func report(line: Int, _ reason: String) {
        malformedRows += 1
        if problems.count < Self.maxProblems { problems.append(TradeBillProblem(line: line, reason: reason)) }
    }

    /// Where each column the daemon reads sits in this bill's header.
    private struct Columns {
        var time = 0
        var merchant = 0
        var subMerchant: Int?
        var device = 0
        var transaction: Int?
        var outTradeNo = 0
        var tradeType = 0
        var tradeState = 0
        var amount: Int?
        var attach = 0

        init(_ header: [String]) {
            func index(_ name: String) -> Int? { header.firstIndex(of: name) }
            time = index("交易时间") ?? 0
            merchant = index("商户号") ?? 0
            subMerchant = index("特约商户号")
            device = index("设备号") ?? 0
            transaction = index("微信订单号")
            outTradeNo = index("商户订单号") ?? 0
            tradeType = index("交易类型") ?? 0
            tradeState = index("交易状态") ?? 0
            amount = index("应结订单金额")
            attach = index("商户数据包") ?? 0
        }
    }
}

/// One trade of a bill, as the platform wrote it.
public struct TradeBillRow: Sendable, Equatable {
    public var line: Int
    public var time: Date
    public var merchantID: String
    /// 特约商户号: the sub-merchant, often a store for service providers; empty for a direct merchant.
    public var subMerchantID: String
    /// 设备号: the device_info the merchant sent with the payment; often empty.
    public var deviceInfo: String
    public var transactionID: String
    public var outTradeNo: String
    public var tradeType: String
    public var tradeState: String
    /// 应结订单金额, in yuan as written.
    public var amount: String
    /// 商户数据包: Pay Score deductions carry `wxzff|<service order no>|<merchant service order no>`.
    public var attach: String

    public init(
        line: Int,
        time: Date,
        merchantID: String,
        subMerchantID: String = "",
        deviceInfo: String = "",
        transactionID: String = "",
        outTradeNo: String,
        tradeType: String,
        tradeState: String = "SUCCESS",
        amount: String = "",
        attach: String = ""
    ) {
        self.line = line
        self.time = time
        self.merchantID = merchantID
        self.subMerchantID = subMerchantID
        self.deviceInfo = deviceInfo
        self.transactionID = transactionID
        self.outTradeNo = outTradeNo
        self.tradeType = tradeType
        self.tradeState = tradeState
        self.amount = amount
        self.attach = attach
    }
}

/// A row the parser could not read.
public struct TradeBillProblem: Sendable, Equatable, Codable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// `yyyy-MM-dd HH:mm:ss` in the merchant's time zone, read by hand: a bill has a row per trade.
struct TradeBillTime {
    let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A,
            bytes[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 0x30
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components)
    }
}
