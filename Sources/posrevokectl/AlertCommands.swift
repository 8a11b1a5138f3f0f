import ArgumentParser
import Foundation
import PosrevokeControl

struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, acknowledge or silence alerts; list and lift silences.",
        subcommands: [List.self, Ack.self, Silence.self, Silences.self, Unsilence.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List firing and pending alerts.")
        @OptionGroup var connection: Connection
        @Flag(name: .long, help: "Include resolved alerts.") var all = false

        func run() {
            connection.result(connection.call(.alertsList, ["all": String(all)]), as: [AlertView].self) { alerts in
                Output.table(
                    ["STATE", "SEVERITY", "ALERT", "TERMINAL", "PROVIDER", "STORE", "SOURCE", "SINCE", "NOTE"],
                    alerts.map {
                        [
                            $0.state, $0.severity, $0.kind, $0.terminal, $0.provider.isEmpty ? "-" : $0.provider,
                            $0.store.isEmpty ? "-" : $0.store, $0.source ?? "terminal",
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

        /// Who acknowledged is recorded by the daemon from the socket's peer credentials, not sent from here.
        func run() {
            connection.result(
                connection.call(.alertsAck, ["key": key, "comment": comment]),
                as: [AlertView].self
            ) { _ in
                print(Output.safe("acknowledged \(key)"))
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
                connection.call(.alertsSilence, ["matcher": matcher, "for": duration, "comment": comment]),
                as: [String: String].self
            ) { silence in
                print(
                    Output.safe(
                        "silenced \(silence["matcher"] ?? matcher) until \(silence["until"] ?? "?") "
                            + "(silence \(silence["id"] ?? "?"))"
                    )
                )
            }
        }
    }

    struct Silences: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the silences in force.")
        @OptionGroup var connection: Connection

        func run() {
            connection.result(connection.call(.alertsSilences), as: [SilenceView].self) { silences in
                Output.table(
                    ["ID", "MATCHER", "UNTIL", "SET", "BY", "COMMENT"],
                    silences.map {
                        [
                            String($0.id), $0.matcher, Output.time($0.until), Output.time($0.createdAt),
                            $0.createdBy.isEmpty ? "-" : $0.createdBy, $0.comment,
                        ]
                    }
                )
            }
        }
    }

    struct Unsilence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a silence at once: matching alerts are written to the journal again from now on."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "The silence's id, as `alerts silences` lists it.") var id: Int64

        func run() {
            connection.result(connection.call(.alertsUnsilence, ["id": String(id)]), as: SilenceView.self) {
                print(Output.safe("lifted silence \($0.id) (\($0.matcher))"))
            }
        }
    }
}
