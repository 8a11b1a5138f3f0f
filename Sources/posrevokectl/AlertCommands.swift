import ArgumentParser
import Foundation
import PosrevokeControl

struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, acknowledge or silence alerts.",
        subcommands: [List.self, Ack.self, Silence.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List firing and pending alerts.")
        @OptionGroup var connection: Connection
        @Flag(name: .long, help: "Include resolved alerts.") var all = false

        func run() {
            connection.result(connection.call("alerts.list", ["all": String(all)]), as: [AlertView].self) { alerts in
                Output.table(
                    ["STATE", "SEVERITY", "ALERT", "TERMINAL", "PROVIDER", "STORE", "SINCE", "NOTE"],
                    alerts.map {
                        [
                            $0.state, $0.severity, $0.kind, $0.terminal, $0.provider.isEmpty ? "-" : $0.provider,
                            $0.store,
                            Output.time($0.since),
                            [$0.acknowledged ? "acked" : "", $0.silenced ? "silenced" : ""].filter { !$0.isEmpty }
                                .joined(separator: ","),
                        ]
                    }
                )
            }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge a firing alert: no repeats until it resolves."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "Alert key, as ALERT_KEY shows it: kind/terminal/provider.") var key: String
        @Option(name: .long, help: "Why.") var comment = ""

        func run() {
            let by =
                ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"]
                ?? "operator"
            connection.result(
                connection.call("alerts.ack", ["key": key, "comment": comment, "by": by]),
                as: [AlertView].self
            ) { _ in
                print("acknowledged \(key)")
            }
        }
    }

    struct Silence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write no journal entries for matching alerts for a while (state is still tracked)."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "An alert key, an alert kind, a terminal id, or store:<id>.") var matcher: String
        @Option(name: .customLong("for"), help: "How long, e.g. 30m or 2h.") var duration: String
        @Option(name: .long, help: "Why.") var comment = ""

        func run() {
            connection.result(
                connection.call("alerts.silence", ["matcher": matcher, "for": duration, "comment": comment]),
                as: [String: String].self
            ) { silence in
                print("silenced \(silence["matcher"] ?? matcher) until \(silence["until"] ?? "?")")
            }
        }
    }
}
