import Foundation

/// What reading one day's trade bill found: `posrevokectl bills fetch` prints it, the journal records it.
public struct BillReport: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// Downloaded, checked and read now.
        case read
        /// Read before: a bill is never read twice.
        case alreadyRead = "already-read"
        /// Could not be had or checked; tried again later.
        case failed
    }

    public var date: String
    public var outcome: Outcome
    public var rows = 0
    public var payScoreRows = 0
    public var malformedRows = 0
    /// `总交易单数` of the summary line, when the bill had one.
    public var declaredRows: Int?
    public var problems: [TradeBillProblem] = []
    /// Pay Score payments after cutover, at most `maxFindings` of them.
    public var findings: [EvidenceSighting] = []
    public var findingCount = 0
    public var error: String?

    public static let maxFindings = 100

    public init(date: String, outcome: Outcome) {
        self.date = date
        self.outcome = outcome
    }
}
