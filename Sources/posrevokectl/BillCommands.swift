import ArgumentParser
import Foundation
import PosrevokeControl
import PosrevokeCore

struct Bills: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The payment platform's daily trade bills, read for Pay Score payments after cutover.",
        subcommands: [Fetch.self]
    )

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download, check and read one day's WeChat Pay trade bill now, and print what it found.",
            discussion: """
                The daemon reads each day's bill by itself once it is ready (bills.time); this is for catching up \
                and for tests. A bill read before is not read again. Exits 1 when the bill could not be had or \
                checked.
                """
        )
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "The day, YYYY-MM-DD in the merchant's time zone (default: yesterday).")
        var date: String?

        func run() throws {
            let response = connection.call(.billsFetch, date.map { ["date": $0] } ?? [:])
            connection.result(response, as: BillReport.self) { print(Self.describe($0)) }
            if (try? response.decode(BillReport.self))?.outcome == .failed { throw ExitCode.failure }
        }

        static func describe(_ report: BillReport) -> String {
            switch report.outcome {
            case .alreadyRead:
                return
                    "the trade bill of \(report.date) was read before; its findings are in `posrevokectl alerts list`"
            case .failed:
                return Output.safe("cannot read the trade bill of \(report.date): \(report.error ?? "unknown error")")
            case .read:
                var lines = [
                    "trade bill of \(report.date): \(report.rows) rows, \(report.payScoreRows) Pay Score, "
                        + "\(report.findingCount) after cutover"
                ]
                for finding in report.findings {
                    let time = finding.time.formatted(.iso8601)
                    let owner =
                        finding.scope == .terminal
                        ? "terminal \(finding.subject)" : "\(finding.scope.rawValue) \(finding.subject)"
                    lines.append(Output.safe("  \(time)  \(owner)  \(finding.reference)  \(finding.detail)"))
                }
                if report.findingCount > report.findings.count {
                    lines.append("  … and \(report.findingCount - report.findings.count) more")
                }
                for problem in report.problems {
                    lines.append(Output.safe("  malformed line \(problem.line): \(problem.reason)"))
                }
                if report.malformedRows > report.problems.count {
                    lines.append("  … and \(report.malformedRows - report.problems.count) more malformed rows")
                }
                return lines.joined(separator: "\n")
            }
        }
    }
}
