import ArgumentParser
import Foundation
import PosrevokeControl
import PosrevokeCore

struct Authorizations: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The users' credit-pay authorizations at each store, which confirm-unbind ends on the real platforms.",
        subcommands: [Import.self, List.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import authorizations from a CSV export (UTF-8, header row). See docs/platform-api.md.",
            discussion: """
                Columns by header name: provider, store, kind, value; product_code and sign_scene for Alipay's \
                external_agreement_no. kind is authorization_code or openid (wechat-payscore), agreement_no or \
                external_agreement_no (alipay-credit). The import is all-or-nothing unless --skip-bad is given; \
                importing the same file again adds nothing.
                """
        )
        @OptionGroup var connection: Connection
        @Argument(help: "The CSV file.") var file: String
        @Flag(name: .long, help: "Import the good rows and report the bad ones, instead of importing nothing.")
        var skipBad = false

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { Output.fail("cannot read \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { Output.fail("\(file) is not UTF-8 text") }
            let parsed: AuthorizationCSV.Parsed
            do {
                parsed = try AuthorizationCSV.parse(text)
            } catch {
                Output.fail("\(file): \(error)")
            }
            let request = AuthorizationImportRequest(rows: parsed.rows, errors: parsed.errors, skipBad: skipBad)
            guard let body = try? String(decoding: ControlCoding.encoder.encode(request), as: UTF8.self),
                body.utf8.count < ControlLimits.maxRequestBytes - 4096
            else {
                Output.fail("\(file): too large for one import: split the file and import the parts")
            }
            let response = connection.call(.authorizationsImport, body: body)
            guard let result = try? response.decode(AuthorizationImportResult.self) else {
                Output.fail("cannot read the daemon's answer")
            }
            if connection.json {
                Output.json(response.result)
            } else {
                let shown = result.errors.prefix(100)
                for error in shown { print(Output.safe("\(file): \(error)")) }
                if result.errors.count > shown.count {
                    print("… and \(result.errors.count - shown.count) more bad rows")
                }
                if result.applied {
                    print(
                        Output.safe(
                            "imported \(result.imported) authorizations from \(file) (\(result.duplicates) already "
                                + "known\(result.errors.isEmpty ? "" : ", \(result.errors.count) bad rows skipped"))"
                        )
                    )
                } else {
                    print("nothing imported: \(result.errors.count) bad rows (fix them, or use --skip-bad)")
                }
            }
            if !result.applied { throw ExitCode.failure }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many authorizations each store has.")
        @OptionGroup var connection: Connection

        func run() {
            connection.result(connection.call(.authorizationsList), as: [AuthorizationCount].self) { counts in
                Output.table(
                    ["STORE", "PROVIDER", "AUTHORIZATIONS"],
                    counts.map { [$0.store, $0.provider, String($0.count)] }
                )
            }
        }
    }
}

struct Platform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the payment platforms' keys and clock.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign one harmless query per provider and verify the answer.",
            discussion: "Exits 1 when a platform refuses the signature or its answer does not verify."
        )
        @OptionGroup var connection: Connection

        func run() throws {
            var failed = false
            connection.result(connection.call(.platformCheck), as: [PlatformCheckResult].self) { results in
                for result in results {
                    print(Output.safe("\(result.provider): \(result.ok ? "ok" : "FAILED"): \(result.detail)"))
                    if !result.ok { failed = true }
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
