import ArgumentParser
import Foundation
import PosrevokeControl
import PosrevokeCore

extension Terminals {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a terminals file from the TMS's terminal list (active terminals).",
            discussion: """
                The daemon searches PAXSTORE with its tms.paxstore key, page by page within the key's rate limit, \
                and this prints a terminals file: id (the TMS's TID, else the serial number), store (the merchant \
                name, or --stores), driver: tms, tms: paxstore, serial_no, and a poll_interval that keeps the \
                polls inside half the key's budget. Name the file in terminals_file: and reload. Terminals \
                with an agent can be given driver: agent and url: by hand afterwards; their commands still go \
                through PAXSTORE.
                """
        )
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "The TMS to read (paxstore).") var from: String
        @Option(name: .long, help: "Only this merchant's terminals.") var merchant: String?
        @Option(name: .long, help: "Only this reseller's terminals.") var reseller: String?
        @Option(name: .long, help: "A YAML file mapping merchant names to store ids (`Merchant name: store-id`).")
        var stores: String?
        @Option(
            name: .long,
            parsing: .upToNextOption,
            help: "The credit providers each terminal offers (default: all)."
        )
        var provider: [String] = []

        func run() throws {
            guard from == "paxstore" else { Output.fail("--from: unknown TMS '\(from)' (known: paxstore)") }
            var providers: [CreditProvider] = []
            for name in provider {
                guard let known = CreditProvider(rawValue: name) else {
                    let all = CreditProvider.allCases.map(\.rawValue).joined(separator: ", ")
                    Output.fail("--provider: unknown provider '\(name)' (known: \(all))")
                }
                providers.append(known)
            }
            if providers.isEmpty { providers = CreditProvider.allCases }
            var mapping: [String: String]?
            if let stores {
                guard let data = FileManager.default.contents(atPath: stores),
                    let text = String(data: data, encoding: .utf8)
                else { Output.fail("--stores: cannot read \(stores)") }
                do {
                    mapping = try TMSInventory.storeMapping(yaml: text)
                } catch {
                    Output.fail("--stores \(stores): \(error)")
                }
            }
            var args = ["from": from]
            args["merchant"] = merchant
            args["reseller"] = reseller
            // A large fleet is many pages, and a spent key budget waits for its next window.
            let response = connection.call(.terminalsImport, args, timeout: 900)
            if connection.json {
                Output.json(response.result)
                return
            }
            let listing: TerminalImport
            do {
                listing = try response.decode(TerminalImport.self)
            } catch {
                Output.fail("cannot read the daemon's answer: \(error)")
            }
            do {
                let options = TMSInventory.Options(
                    stores: mapping,
                    providers: providers,
                    pollIntervalSeconds: listing.pollIntervalSeconds
                )
                print(try TMSInventory.yaml(listing.terminals, options), terminator: "")
            } catch {
                Output.fail(error.description)
            }
            if listing.totalCount > listing.terminals.count {
                FileHandle.standardError.write(
                    Data("PAXSTORE lists \(listing.totalCount) terminals; \(listing.terminals.count) were read\n".utf8)
                )
                throw ExitCode.failure
            }
        }
    }
}
