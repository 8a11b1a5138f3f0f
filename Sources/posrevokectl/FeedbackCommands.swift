import ArgumentParser
import Foundation
import PosrevokeControl
import PosrevokeCore

struct Feedback: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record, import and report what customers and cashiers say.",
        subcommands: [Add.self, Import.self, Report.self, Digest.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record one piece of feedback heard in person or by phone."
        )
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "The terminal it concerns (its store is implied).") var terminal: String?
        @Option(name: .long, help: "The store it concerns, when no terminal is known.") var store: String?
        @Option(name: .long, help: "Rating from 1 (bad) to 5 (good).") var rating: Int
        @Option(name: .long, help: "Category from the configured taxonomy (default: other).") var category: String?
        @Option(name: .long, help: "What was said, as said. Kept in the state store, never written to the journal.")
        var comment: String?
        @Option(name: .long, help: "customer or cashier (default: customer).") var source: String?
        @Option(name: .long, help: "The credit provider it is about, if any.") var provider: String?
        @Option(name: .long, help: "When it was said (default: now), e.g. '2026-11-20 14:30' in the digest time zone.")
        var time: String?

        func validate() throws {
            guard terminal != nil || store != nil else { throw ValidationError("name a --terminal or a --store") }
        }

        func run() {
            var args = ["rating": String(rating)]
            args["terminal"] = terminal
            args["store"] = store
            args["category"] = category
            args["comment"] = comment
            args["source"] = source
            args["provider"] = provider
            args["time"] = time
            connection.result(connection.call(.feedbackAdd, args), as: FeedbackRecord.self) { record in
                print(
                    Output.safe(
                        "recorded \(record.category) rated \(record.rating) for \(record.terminal ?? "store " + record.store)"
                    )
                )
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a survey export (CSV, UTF-8, header row). See docs/feedback.md for the columns.",
            discussion: """
                Columns are found by header name: time, rating, terminal or store (required); id, category, comment, \
                source, provider (optional). Rename with --column, e.g. --column rating=评分. The import is \
                all-or-nothing unless --skip-bad is given; importing the same file again adds nothing.
                """
        )
        @OptionGroup var connection: Connection
        @Argument(help: "The CSV file.") var file: String
        @Flag(name: .long, help: "Import the good rows and report the bad ones, instead of importing nothing.")
        var skipBad = false
        @Option(name: .long, help: "FIELD=HEADER: read FIELD from the column titled HEADER (repeatable).")
        var column: [String] = []
        @Option(name: .long, help: "Time zone of times written without an offset (default: UTC).")
        var timeZone = "UTC"

        func run() throws {
            guard let zone = TimeZone(identifier: timeZone) else { Output.fail("unknown time zone '\(timeZone)'") }
            var mapping = FeedbackCSV.Mapping()
            for pair in column {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, FeedbackCSV.fields.contains(parts[0]), !parts[1].isEmpty else {
                    Output.fail(
                        "--column \(pair): expected FIELD=HEADER with FIELD one of \(FeedbackCSV.fields.joined(separator: ", "))"
                    )
                }
                mapping.headers[parts[0]] = parts[1]
            }
            guard let data = FileManager.default.contents(atPath: file) else { Output.fail("cannot read \(file)") }
            let parsed: FeedbackCSV.Parsed
            do {
                parsed = try FeedbackCSV.parse(data, mapping: mapping, timeZone: zone)
            } catch {
                Output.fail("\(file): \(error)")
            }
            let request = FeedbackImportRequest(file: file, rows: parsed.rows, errors: parsed.errors, skipBad: skipBad)
            if let refusal = request.refusal() { Output.fail("\(file): \(refusal)") }
            guard let body = try? String(decoding: ControlCoding.encoder.encode(request), as: UTF8.self),
                let sent = try? ControlCoding.encoder.encode(ControlRequest(.feedbackImport, body: body))
            else {
                Output.fail("cannot encode the rows")
            }
            guard sent.count < ControlLimits.maxRequestBytes else {
                Output.fail(
                    "\(file): too large for one import (\(sent.count >> 20) MiB as sent, at most "
                        + "\(ControlLimits.maxRequestBytes >> 20) MiB): split the file and import the parts"
                )
            }
            let response = connection.call(.feedbackImport, body: body)
            guard let result = try? response.decode(FeedbackImportResult.self) else {
                Output.fail("cannot read the daemon's answer")
            }
            if connection.json {
                Output.json(response.result)
            } else {
                Import.render(result, repeated: parsed.duplicates)
            }
            if !result.applied { throw ExitCode.failure }
        }

        static func render(_ result: FeedbackImportResult, repeated: Int) {
            let shown = result.errors.prefix(100)
            for error in shown { print(Output.safe("\(result.file): \(error)")) }
            if result.errors.count > shown.count { print("… and \(result.errors.count - shown.count) more bad rows") }
            if result.applied {
                var line = "imported \(result.imported) entries from \(result.file)"
                line += " (\(result.duplicates + repeated) already stored or repeated"
                line += result.errors.isEmpty ? ")" : ", \(result.errors.count) bad rows skipped)"
                print(Output.safe(line))
            } else {
                print(
                    "nothing imported: \(result.errors.count) bad row\(result.errors.count == 1 ? "" : "s") "
                        + "(fix them, or use --skip-bad to import the rest)"
                )
            }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts by category, ratings before and after cutover, the worst stores, recent comments."
        )
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "Only the terminals and stores of this plan.") var plan: String?
        @Option(name: .long, help: "Only this store.") var store: String?
        @Option(name: .long, help: "Only feedback since a date (2026-11-01) or for a duration back (7d).")
        var since: String?
        @Flag(name: .long, help: "Print the summary as CSV (sections total, category, store).") var csv = false
        @Option(name: .long, help: "Also write a self-contained HTML page with charts to this file.") var html: String?

        func run() throws {
            var args: [String: String] = [:]
            args["plan"] = plan
            args["store"] = store
            args["since"] = since
            let response = connection.call(.feedbackReport, args)
            guard let report = try? response.decode(FeedbackReport.self) else {
                Output.fail("cannot read the daemon's answer")
            }
            if let html {
                do {
                    try FeedbackHTML.page(report).write(toFile: html, atomically: true, encoding: .utf8)
                } catch {
                    Output.fail("cannot write \(html): \(error)")
                }
            }
            if connection.json {
                Output.json(response.result)
            } else if csv {
                print(FeedbackText.csv(report), terminator: "")
            } else {
                FeedbackText.render(report)
                if let html { print("\n" + Output.safe("wrote \(html)")) }
            }
        }
    }

    struct Digest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the daily feedback digest to the journal now (again, if it was already sent)."
        )
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "The day to summarise, YYYY-MM-DD (default: yesterday).") var day: String?
        @Option(name: .long, help: "Only this plan (default: every unfinished plan).") var plan: String?

        func run() {
            var args: [String: String] = [:]
            args["day"] = day
            args["plan"] = plan
            connection.result(connection.call(.feedbackDigest, args), as: [DigestView].self) { digests in
                if digests.isEmpty { print("no unfinished plans: no digest written") }
                for digest in digests { print(Output.safe(digest.message)) }
            }
        }
    }
}
